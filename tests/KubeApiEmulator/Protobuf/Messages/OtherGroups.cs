namespace KubeApiEmulator.Protobuf.Messages;

/// <summary>networking.k8s.io/v1 Ingress (every field).</summary>
internal static class NetworkingV1
{
    private static readonly ProtoMessage IngressBackend = new(
        "IngressBackend",
        (3, F.Obj("resource", CoreV1.TypedLocalObjectReference)),
        (4, F.Obj("service", new ProtoMessage(
            "IngressServiceBackend",
            (1, F.Str("name")),
            (2, F.Obj("port", new ProtoMessage("ServiceBackendPort", (1, F.Str("name")), (2, F.Int("number")))))))));

    private static readonly ProtoMessage IngressRule = new(
        "IngressRule",
        (1, F.Str("host")),
        (2, F.Inline(new ProtoMessage(
            "IngressRuleValue",
            (1, F.Obj("http", new ProtoMessage(
                "HTTPIngressRuleValue",
                (1, F.Objs("paths", new ProtoMessage("HTTPIngressPath", (1, F.Str("path")), (2, F.Obj("backend", IngressBackend)), (3, F.OptStr("pathType"))))))))))));

    public static readonly ProtoMessage Ingress = new(
        "Ingress",
        (1, F.Obj("metadata", MetaV1.ObjectMeta)),
        (2, F.Obj("spec", new ProtoMessage(
            "IngressSpec",
            (1, F.Obj("defaultBackend", IngressBackend)),
            (2, F.Objs("tls", new ProtoMessage("IngressTLS", (1, F.Strs("hosts")), (2, F.Str("secretName"))))),
            (3, F.Objs("rules", IngressRule)),
            (4, F.OptStr("ingressClassName"))))),
        (3, F.Obj("status", new ProtoMessage(
            "IngressStatus",
            (1, F.Obj("loadBalancer", new ProtoMessage(
                "IngressLoadBalancerStatus",
                (1, F.Objs("ingress", new ProtoMessage(
                    "IngressLoadBalancerIngress",
                    (1, F.Str("ip")),
                    (2, F.Str("hostname")),
                    (4, F.Objs("ports", new ProtoMessage("IngressPortStatus", (1, F.OptInt("port")), (2, F.Str("protocol")), (3, F.OptStr("error")))))))))))))));
}

/// <summary>policy/v1 PodDisruptionBudget (status.disruptedPods and status.conditions are not in the table).</summary>
internal static class PolicyV1
{
    public static readonly ProtoMessage PodDisruptionBudget = new(
        "PodDisruptionBudget",
        (1, F.Obj("metadata", MetaV1.ObjectMeta)),
        (2, F.Obj("spec", new ProtoMessage(
            "PodDisruptionBudgetSpec",
            (1, F.IntOrString("minAvailable")),
            (2, F.Obj("selector", MetaV1.LabelSelector)),
            (3, F.IntOrString("maxUnavailable"))))),
        (3, F.Obj("status", new ProtoMessage(
            "PodDisruptionBudgetStatus",
            (1, F.Long("observedGeneration")),
            (3, F.OptInt("disruptionsAllowed")),
            (4, F.OptInt("currentHealthy")),
            (5, F.OptInt("desiredHealthy")),
            (6, F.OptInt("expectedPods"))))));
}

/// <summary>scheduling.k8s.io/v1 PriorityClass (every field).</summary>
internal static class SchedulingV1
{
    public static readonly ProtoMessage PriorityClass = new(
        "PriorityClass",
        (1, F.Obj("metadata", MetaV1.ObjectMeta)),
        (2, F.OptInt("value")),
        (3, F.Bool("globalDefault")),
        (4, F.Str("description")),
        (5, F.OptStr("preemptionPolicy")));
}

/// <summary>autoscaling/v1 Scale (every field).</summary>
internal static class AutoscalingV1
{
    public static readonly ProtoMessage Scale = new(
        "Scale",
        (1, F.Obj("metadata", MetaV1.ObjectMeta)),
        (2, F.Obj("spec", new ProtoMessage("ScaleSpec", (1, F.Int("replicas"))))),
        (3, F.Obj("status", new ProtoMessage("ScaleStatus", (1, F.OptInt("replicas")), (2, F.Str("selector"))))));
}

/// <summary>authorization.k8s.io/v1 SelfSubjectAccessReview and SelfSubjectRulesReview (every field).</summary>
internal static class AuthorizationV1
{
    private static readonly ProtoMessage ResourceAttributes = new(
        "ResourceAttributes",
        (1, F.Str("namespace")),
        (2, F.Str("verb")),
        (3, F.Str("group")),
        (4, F.Str("version")),
        (5, F.Str("resource")),
        (6, F.Str("subresource")),
        (7, F.Str("name")),
        (8, F.Obj("fieldSelector", new ProtoMessage(
            "FieldSelectorAttributes",
            (1, F.Str("rawSelector")),
            (2, F.Objs("requirements", new ProtoMessage("FieldSelectorRequirement", (1, F.Str("key")), (2, F.Str("operator")), (3, F.Strs("values")))))))),
        (9, F.Obj("labelSelector", new ProtoMessage(
            "LabelSelectorAttributes",
            (1, F.Str("rawSelector")),
            (2, F.Objs("requirements", MetaV1.LabelSelectorRequirement))))));

    public static readonly ProtoMessage SelfSubjectAccessReview = new(
        "SelfSubjectAccessReview",
        (1, F.Obj("metadata", MetaV1.ObjectMeta)),
        (2, F.Obj("spec", new ProtoMessage(
            "SelfSubjectAccessReviewSpec",
            (1, F.Obj("resourceAttributes", ResourceAttributes)),
            (2, F.Obj("nonResourceAttributes", new ProtoMessage("NonResourceAttributes", (1, F.Str("path")), (2, F.Str("verb")))))))),
        (3, F.Obj("status", new ProtoMessage(
            "SubjectAccessReviewStatus",
            (1, F.OptBool("allowed")),
            (2, F.Str("reason")),
            (3, F.Str("evaluationError")),
            (4, F.Bool("denied"))))));

    public static readonly ProtoMessage SelfSubjectRulesReview = new(
        "SelfSubjectRulesReview",
        (1, F.Obj("metadata", MetaV1.ObjectMeta)),
        (2, F.Obj("spec", new ProtoMessage("SelfSubjectRulesReviewSpec", (1, F.Str("namespace"))))),
        (3, F.Obj("status", new ProtoMessage(
            "SubjectRulesReviewStatus",
            (1, F.Objs("resourceRules", new ProtoMessage("ResourceRule", (1, F.Strs("verbs")), (2, F.Strs("apiGroups")), (3, F.Strs("resources")), (4, F.Strs("resourceNames"))))),
            (2, F.Objs("nonResourceRules", new ProtoMessage("NonResourceRule", (1, F.Strs("verbs")), (2, F.Strs("nonResourceURLs"))))),
            (3, F.OptBool("incomplete")),
            (4, F.Str("evaluationError"))))));
}
