namespace KubeApiEmulator.Protobuf.Messages;

/// <summary>
/// k8s.io/api core/v1 generated.proto: the kinds kubectl create makes (Namespace, Service, ServiceAccount, ConfigMap,
/// Secret, ResourceQuota) and the pod template of workloads. Rarely used pod fields (affinity between pods,
/// ephemeral containers, most volume sources) are left out on purpose: a body that sets them is answered 415.
/// </summary>
internal static class CoreV1
{
    private static readonly ProtoMessage Meta = MetaV1.ObjectMeta;

    public static readonly ProtoMessage LocalObjectReference = new("LocalObjectReference", (1, F.Str("name")));

    public static readonly ProtoMessage ObjectReference = new(
        "ObjectReference",
        (1, F.Str("kind")),
        (2, F.Str("namespace")),
        (3, F.Str("name")),
        (4, F.Str("uid")),
        (5, F.Str("apiVersion")),
        (6, F.Str("resourceVersion")),
        (7, F.Str("fieldPath")));

    public static readonly ProtoMessage TypedLocalObjectReference = new(
        "TypedLocalObjectReference",
        (1, F.OptStr("apiGroup")),
        (2, F.Str("kind")),
        (3, F.Str("name")));

    private static readonly ProtoMessage KeyToPath = new("KeyToPath", (1, F.Str("key")), (2, F.Str("path")), (3, F.OptInt("mode")));

    private static readonly ProtoMessage ObjectFieldSelector = new("ObjectFieldSelector", (1, F.Str("apiVersion")), (2, F.Str("fieldPath")));

    private static readonly ProtoMessage ResourceFieldSelector = new(
        "ResourceFieldSelector",
        (1, F.Str("containerName")),
        (2, F.Str("resource")),
        (3, F.Quantity("divisor")));

    private static readonly ProtoMessage ConfigMapKeySelector = new(
        "ConfigMapKeySelector",
        (1, F.Inline(LocalObjectReference)),
        (2, F.Str("key")),
        (3, F.OptBool("optional")));

    private static readonly ProtoMessage SecretKeySelector = new(
        "SecretKeySelector",
        (1, F.Inline(LocalObjectReference)),
        (2, F.Str("key")),
        (3, F.OptBool("optional")));

    private static readonly ProtoMessage EnvVarSource = new(
        "EnvVarSource",
        (1, F.Obj("fieldRef", ObjectFieldSelector)),
        (2, F.Obj("resourceFieldRef", ResourceFieldSelector)),
        (3, F.Obj("configMapKeyRef", ConfigMapKeySelector)),
        (4, F.Obj("secretKeyRef", SecretKeySelector)));

    private static readonly ProtoMessage EnvVar = new("EnvVar", (1, F.Str("name")), (2, F.Str("value")), (3, F.Obj("valueFrom", EnvVarSource)));

    private static readonly ProtoMessage ConfigMapEnvSource = new("ConfigMapEnvSource", (1, F.Inline(LocalObjectReference)), (2, F.OptBool("optional")));

    private static readonly ProtoMessage SecretEnvSource = new("SecretEnvSource", (1, F.Inline(LocalObjectReference)), (2, F.OptBool("optional")));

    private static readonly ProtoMessage EnvFromSource = new(
        "EnvFromSource",
        (1, F.Str("prefix")),
        (2, F.Obj("configMapRef", ConfigMapEnvSource)),
        (3, F.Obj("secretRef", SecretEnvSource)));

    private static readonly ProtoMessage ContainerPort = new(
        "ContainerPort",
        (1, F.Str("name")),
        (2, F.Int("hostPort")),
        (3, F.OptInt("containerPort")),
        (4, F.Str("protocol")),
        (5, F.Str("hostIP")));

    private static readonly ProtoMessage ResourceRequirements = new("ResourceRequirements", (1, F.Resources("limits")), (2, F.Resources("requests")));

    private static readonly ProtoMessage VolumeMount = new(
        "VolumeMount",
        (1, F.Str("name")),
        (2, F.Bool("readOnly")),
        (3, F.Str("mountPath")),
        (4, F.Str("subPath")),
        (5, F.OptStr("mountPropagation")),
        (6, F.Str("subPathExpr")));

    private static readonly ProtoMessage VolumeDevice = new("VolumeDevice", (1, F.Str("name")), (2, F.Str("devicePath")));

    private static readonly ProtoMessage ExecAction = new("ExecAction", (1, F.Strs("command")));

    private static readonly ProtoMessage HttpHeader = new("HTTPHeader", (1, F.Str("name")), (2, F.Str("value")));

    private static readonly ProtoMessage HttpGetAction = new(
        "HTTPGetAction",
        (1, F.Str("path")),
        (2, F.IntOrString("port")),
        (3, F.Str("host")),
        (4, F.Str("scheme")),
        (5, F.Objs("httpHeaders", HttpHeader)));

    private static readonly ProtoMessage TcpSocketAction = new("TCPSocketAction", (1, F.IntOrString("port")), (2, F.Str("host")));

    private static readonly ProtoMessage Handler = new(
        "LifecycleHandler",
        (1, F.Obj("exec", ExecAction)),
        (2, F.Obj("httpGet", HttpGetAction)),
        (3, F.Obj("tcpSocket", TcpSocketAction)));

    private static readonly ProtoMessage Probe = new(
        "Probe",
        (1, F.Inline(Handler with { Name = "ProbeHandler" })),
        (2, F.Int("initialDelaySeconds")),
        (3, F.Int("timeoutSeconds")),
        (4, F.Int("periodSeconds")),
        (5, F.Int("successThreshold")),
        (6, F.Int("failureThreshold")),
        (7, F.OptLong("terminationGracePeriodSeconds")));

    private static readonly ProtoMessage Lifecycle = new("Lifecycle", (1, F.Obj("postStart", Handler)), (2, F.Obj("preStop", Handler)));

    private static readonly ProtoMessage Capabilities = new("Capabilities", (1, F.Strs("add")), (2, F.Strs("drop")));

    private static readonly ProtoMessage SeLinuxOptions = new("SELinuxOptions", (1, F.Str("user")), (2, F.Str("role")), (3, F.Str("type")), (4, F.Str("level")));

    private static readonly ProtoMessage WindowsOptions = new(
        "WindowsSecurityContextOptions",
        (1, F.OptStr("gmsaCredentialSpecName")),
        (2, F.OptStr("gmsaCredentialSpec")),
        (3, F.OptStr("runAsUserName")));

    private static readonly ProtoMessage SeccompProfile = new("SeccompProfile", (1, F.Str("type")), (2, F.OptStr("localhostProfile")));

    private static readonly ProtoMessage SecurityContext = new(
        "SecurityContext",
        (1, F.Obj("capabilities", Capabilities)),
        (2, F.OptBool("privileged")),
        (3, F.Obj("seLinuxOptions", SeLinuxOptions)),
        (4, F.OptLong("runAsUser")),
        (5, F.OptBool("runAsNonRoot")),
        (6, F.OptBool("readOnlyRootFilesystem")),
        (7, F.OptBool("allowPrivilegeEscalation")),
        (8, F.OptLong("runAsGroup")),
        (9, F.OptStr("procMount")),
        (10, F.Obj("windowsOptions", WindowsOptions)),
        (11, F.Obj("seccompProfile", SeccompProfile)));

    private static readonly ProtoMessage Container = new(
        "Container",
        (1, F.Str("name")),
        (2, F.Str("image")),
        (3, F.Strs("command")),
        (4, F.Strs("args")),
        (5, F.Str("workingDir")),
        (6, F.Objs("ports", ContainerPort)),
        (7, F.Objs("env", EnvVar)),
        (8, F.Obj("resources", ResourceRequirements)),
        (9, F.Objs("volumeMounts", VolumeMount)),
        (10, F.Obj("livenessProbe", Probe)),
        (11, F.Obj("readinessProbe", Probe)),
        (12, F.Obj("lifecycle", Lifecycle)),
        (13, F.Str("terminationMessagePath")),
        (14, F.Str("imagePullPolicy")),
        (15, F.Obj("securityContext", SecurityContext)),
        (16, F.Bool("stdin")),
        (17, F.Bool("stdinOnce")),
        (18, F.Bool("tty")),
        (19, F.Objs("envFrom", EnvFromSource)),
        (20, F.Str("terminationMessagePolicy")),
        (21, F.Objs("volumeDevices", VolumeDevice)),
        (22, F.Obj("startupProbe", Probe)));

    private static readonly ProtoMessage Sysctl = new("Sysctl", (1, F.Str("name")), (2, F.Str("value")));

    private static readonly ProtoMessage PodSecurityContext = new(
        "PodSecurityContext",
        (1, F.Obj("seLinuxOptions", SeLinuxOptions)),
        (2, F.OptLong("runAsUser")),
        (3, F.OptBool("runAsNonRoot")),
        (4, F.Longs("supplementalGroups")),
        (5, F.OptLong("fsGroup")),
        (6, F.OptLong("runAsGroup")),
        (7, F.Objs("sysctls", Sysctl)),
        (8, F.Obj("windowsOptions", WindowsOptions)),
        (9, F.OptStr("fsGroupChangePolicy")),
        (10, F.Obj("seccompProfile", SeccompProfile)));

    private static readonly ProtoMessage Toleration = new(
        "Toleration",
        (1, F.Str("key")),
        (2, F.Str("operator")),
        (3, F.Str("value")),
        (4, F.Str("effect")),
        (5, F.OptLong("tolerationSeconds")));

    private static readonly ProtoMessage HostAlias = new("HostAlias", (1, F.Str("ip")), (2, F.Strs("hostnames")));

    private static readonly ProtoMessage PodDnsConfig = new(
        "PodDNSConfig",
        (1, F.Strs("nameservers")),
        (2, F.Strs("searches")),
        (3, F.Objs("options", new ProtoMessage("PodDNSConfigOption", (1, F.Str("name")), (2, F.OptStr("value"))))));

    private static readonly ProtoMessage PodReadinessGate = new("PodReadinessGate", (1, F.Str("conditionType")));

    private static readonly ProtoMessage TopologySpreadConstraint = new(
        "TopologySpreadConstraint",
        (1, F.OptInt("maxSkew")),
        (2, F.Str("topologyKey")),
        (3, F.Str("whenUnsatisfiable")),
        (4, F.Obj("labelSelector", MetaV1.LabelSelector)));

    private static readonly ProtoMessage NodeSelectorRequirement = new("NodeSelectorRequirement", (1, F.Str("key")), (2, F.Str("operator")), (3, F.Strs("values")));

    private static readonly ProtoMessage NodeSelectorTerm = new(
        "NodeSelectorTerm",
        (1, F.Objs("matchExpressions", NodeSelectorRequirement)),
        (2, F.Objs("matchFields", NodeSelectorRequirement)));

    private static readonly ProtoMessage NodeAffinity = new(
        "NodeAffinity",
        (1, F.Obj("requiredDuringSchedulingIgnoredDuringExecution", new ProtoMessage("NodeSelector", (1, F.Objs("nodeSelectorTerms", NodeSelectorTerm))))),
        (2, F.Objs("preferredDuringSchedulingIgnoredDuringExecution", new ProtoMessage("PreferredSchedulingTerm", (1, F.OptInt("weight")), (2, F.Obj("preference", NodeSelectorTerm))))));

    // Pod (anti-)affinity, fields 2 and 3, is not in the table.
    private static readonly ProtoMessage Affinity = new("Affinity", (1, F.Obj("nodeAffinity", NodeAffinity)));

    private static readonly ProtoMessage DownwardApiVolumeFile = new(
        "DownwardAPIVolumeFile",
        (1, F.Str("path")),
        (2, F.Obj("fieldRef", ObjectFieldSelector)),
        (3, F.Obj("resourceFieldRef", ResourceFieldSelector)),
        (4, F.OptInt("mode")));

    private static readonly ProtoMessage VolumeProjection = new(
        "VolumeProjection",
        (1, F.Obj("secret", new ProtoMessage("SecretProjection", (1, F.Inline(LocalObjectReference)), (2, F.Objs("items", KeyToPath)), (4, F.OptBool("optional"))))),
        (2, F.Obj("downwardAPI", new ProtoMessage("DownwardAPIProjection", (1, F.Objs("items", DownwardApiVolumeFile))))),
        (3, F.Obj("configMap", new ProtoMessage("ConfigMapProjection", (1, F.Inline(LocalObjectReference)), (2, F.Objs("items", KeyToPath)), (4, F.OptBool("optional"))))),
        (4, F.Obj("serviceAccountToken", new ProtoMessage("ServiceAccountTokenProjection", (1, F.Str("audience")), (2, F.OptLong("expirationSeconds")), (3, F.Str("path"))))));

    // The common volume sources; the cloud and storage-vendor ones are not in the table.
    private static readonly ProtoMessage VolumeSource = new(
        "VolumeSource",
        (1, F.Obj("hostPath", new ProtoMessage("HostPathVolumeSource", (1, F.Str("path")), (2, F.OptStr("type"))))),
        (2, F.Obj("emptyDir", new ProtoMessage("EmptyDirVolumeSource", (1, F.Str("medium")), (2, F.Quantity("sizeLimit"))))),
        (6, F.Obj("secret", new ProtoMessage("SecretVolumeSource", (1, F.Str("secretName")), (2, F.Objs("items", KeyToPath)), (3, F.OptInt("defaultMode")), (4, F.OptBool("optional"))))),
        (7, F.Obj("nfs", new ProtoMessage("NFSVolumeSource", (1, F.Str("server")), (2, F.Str("path")), (3, F.Bool("readOnly"))))),
        (10, F.Obj("persistentVolumeClaim", new ProtoMessage("PersistentVolumeClaimVolumeSource", (1, F.Str("claimName")), (2, F.Bool("readOnly"))))),
        (16, F.Obj("downwardAPI", new ProtoMessage("DownwardAPIVolumeSource", (1, F.Objs("items", DownwardApiVolumeFile)), (2, F.OptInt("defaultMode"))))),
        (19, F.Obj("configMap", new ProtoMessage("ConfigMapVolumeSource", (1, F.Inline(LocalObjectReference)), (2, F.Objs("items", KeyToPath)), (3, F.OptInt("defaultMode")), (4, F.OptBool("optional"))))),
        (26, F.Obj("projected", new ProtoMessage("ProjectedVolumeSource", (1, F.Objs("sources", VolumeProjection)), (2, F.OptInt("defaultMode"))))));

    private static readonly ProtoMessage Volume = new("Volume", (1, F.Str("name")), (2, F.Inline(VolumeSource)));

    private static readonly ProtoMessage PodSpec = new(
        "PodSpec",
        (1, F.Objs("volumes", Volume)),
        (2, F.Objs("containers", Container)),
        (3, F.Str("restartPolicy")),
        (4, F.OptLong("terminationGracePeriodSeconds")),
        (5, F.OptLong("activeDeadlineSeconds")),
        (6, F.Str("dnsPolicy")),
        (7, F.Map("nodeSelector")),
        (8, F.Str("serviceAccountName")),
        (9, F.Str("serviceAccount")),
        (10, F.Str("nodeName")),
        (11, F.Bool("hostNetwork")),
        (12, F.Bool("hostPID")),
        (13, F.Bool("hostIPC")),
        (14, F.Obj("securityContext", PodSecurityContext)),
        (15, F.Objs("imagePullSecrets", LocalObjectReference)),
        (16, F.Str("hostname")),
        (17, F.Str("subdomain")),
        (18, F.Obj("affinity", Affinity)),
        (19, F.Str("schedulerName")),
        (20, F.Objs("initContainers", Container)),
        (21, F.OptBool("automountServiceAccountToken")),
        (22, F.Objs("tolerations", Toleration)),
        (23, F.Objs("hostAliases", HostAlias)),
        (24, F.Str("priorityClassName")),
        (25, F.OptInt("priority")),
        (26, F.Obj("dnsConfig", PodDnsConfig)),
        (27, F.OptBool("shareProcessNamespace")),
        (28, F.Objs("readinessGates", PodReadinessGate)),
        (29, F.OptStr("runtimeClassName")),
        (30, F.OptBool("enableServiceLinks")),
        (31, F.OptStr("preemptionPolicy")),
        (32, F.Resources("overhead")),
        (33, F.Objs("topologySpreadConstraints", TopologySpreadConstraint)),
        (35, F.OptBool("setHostnameAsFQDN")));

    public static readonly ProtoMessage PodTemplateSpec = new("PodTemplateSpec", (1, F.Obj("metadata", Meta)), (2, F.Obj("spec", PodSpec)));

    public static readonly ProtoMessage Namespace = new(
        "Namespace",
        (1, F.Obj("metadata", Meta)),
        (2, F.Obj("spec", new ProtoMessage("NamespaceSpec", (1, F.Strs("finalizers"))))),
        (3, F.Obj("status", new ProtoMessage(
            "NamespaceStatus",
            (1, F.Str("phase")),
            (2, F.Objs("conditions", new ProtoMessage(
                "NamespaceCondition",
                (1, F.Str("type")),
                (2, F.Str("status")),
                (4, F.Time("lastTransitionTime")),
                (5, F.Str("reason")),
                (6, F.Str("message")))))))));

    private static readonly ProtoMessage ServicePort = new(
        "ServicePort",
        (1, F.Str("name")),
        (2, F.Str("protocol")),
        (3, F.OptInt("port")),
        (4, F.IntOrString("targetPort")),
        (5, F.Int("nodePort")),
        (6, F.OptStr("appProtocol")));

    private static readonly ProtoMessage ServiceSpec = new(
        "ServiceSpec",
        (1, F.Objs("ports", ServicePort)),
        (2, F.Map("selector")),
        (3, F.Str("clusterIP")),
        (4, F.Str("type")),
        (5, F.Strs("externalIPs")),
        (7, F.Str("sessionAffinity")),
        (8, F.Str("loadBalancerIP")),
        (9, F.Strs("loadBalancerSourceRanges")),
        (10, F.Str("externalName")),
        (11, F.Str("externalTrafficPolicy")),
        (12, F.Int("healthCheckNodePort")),
        (13, F.Bool("publishNotReadyAddresses")),
        (14, F.Obj("sessionAffinityConfig", new ProtoMessage("SessionAffinityConfig", (1, F.Obj("clientIP", new ProtoMessage("ClientIPConfig", (1, F.OptInt("timeoutSeconds")))))))),
        (16, F.Strs("topologyKeys")),
        (17, F.OptStr("ipFamilyPolicy")),
        (18, F.Strs("clusterIPs")),
        (19, F.Strs("ipFamilies")),
        (20, F.OptBool("allocateLoadBalancerNodePorts")),
        (21, F.OptStr("loadBalancerClass")),
        (22, F.OptStr("internalTrafficPolicy")));

    private static readonly ProtoMessage LoadBalancerStatus = new(
        "LoadBalancerStatus",
        (1, F.Objs("ingress", new ProtoMessage(
            "LoadBalancerIngress",
            (1, F.Str("ip")),
            (2, F.Str("hostname")),
            (4, F.Objs("ports", new ProtoMessage("PortStatus", (1, F.OptInt("port")), (2, F.Str("protocol")), (3, F.OptStr("error")))))))));

    // ServiceStatus.conditions (2, metav1.Condition) is not in the table.
    public static readonly ProtoMessage Service = new(
        "Service",
        (1, F.Obj("metadata", Meta)),
        (2, F.Obj("spec", ServiceSpec)),
        (3, F.Obj("status", new ProtoMessage("ServiceStatus", (1, F.Obj("loadBalancer", LoadBalancerStatus))))));

    public static readonly ProtoMessage ServiceAccount = new(
        "ServiceAccount",
        (1, F.Obj("metadata", Meta)),
        (2, F.Objs("secrets", ObjectReference)),
        (3, F.Objs("imagePullSecrets", LocalObjectReference)),
        (4, F.OptBool("automountServiceAccountToken")));

    public static readonly ProtoMessage ConfigMap = new(
        "ConfigMap",
        (1, F.Obj("metadata", Meta)),
        (2, F.Map("data")),
        (3, F.BytesMap("binaryData")),
        (4, F.OptBool("immutable")));

    public static readonly ProtoMessage Secret = new(
        "Secret",
        (1, F.Obj("metadata", Meta)),
        (2, F.BytesMap("data")),
        (3, F.Str("type")),
        (4, F.Map("stringData")),
        (5, F.OptBool("immutable")));

    public static readonly ProtoMessage ResourceQuota = new(
        "ResourceQuota",
        (1, F.Obj("metadata", Meta)),
        (2, F.Obj("spec", new ProtoMessage(
            "ResourceQuotaSpec",
            (1, F.Resources("hard")),
            (2, F.Strs("scopes")),
            (3, F.Obj("scopeSelector", new ProtoMessage(
                "ScopeSelector",
                (1, F.Objs("matchExpressions", new ProtoMessage("ScopedResourceSelectorRequirement", (1, F.Str("scopeName")), (2, F.Str("operator")), (3, F.Strs("values"))))))))))),
        (3, F.Obj("status", new ProtoMessage("ResourceQuotaStatus", (1, F.Resources("hard")), (2, F.Resources("used"))))));
}
