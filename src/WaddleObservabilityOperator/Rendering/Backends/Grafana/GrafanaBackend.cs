using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The objects of a managed Grafana: its provisioning ConfigMap (data sources, dashboard provider), the operator's own
/// dashboard, a Deployment (emptyDir) or StatefulSet (persistent storage), the Service and an optional NetworkPolicy.
/// The policy's WaddleBot dashboards are its published ConfigMaps (<see cref="GrafanaDashboards"/>), mounted here.
/// </summary>
/// <remarks>
/// Configuration is by environment (GF_*) and provisioning files, whose hash is on the pod template so a change rolls
/// the pod (Grafana reads data sources only at start). The dashboards are not hashed: they are mounted as a projected
/// volume, never with subPath, so the kubelet swaps in an edited ConfigMap and the file provider reloads it. The admin
/// credentials are two valueFrom.secretKeyRef entries: the operator never reads the Secret, and sets neither
/// GF_SECURITY_ADMIN_PASSWORD__FILE nor any other GF_X__FILE beside its GF_X, which Grafana's entrypoint refuses.
/// </remarks>
internal static class GrafanaBackend
{
    public const string AppName = "grafana";
    public const string Component = "dashboards-ui";
    public const int HttpPort = 3000;
    public const string HealthPath = "/api/health";
    public const string DataSourcesFileName = "datasources.yaml";
    public const string DashboardProviderFileName = "dashboards.yaml";
    public const string ProvisioningDirectory = "/etc/grafana/provisioning";
    public const string DataDirectory = "/var/lib/grafana";
    private const string DataVolume = "data";

    // The grafana/grafana image's own user (grafana, 472); fsGroup lets it write a fresh volume.
    public const long UserId = 472;

    public static string ProvisioningConfigMapName(string policyName) => $"{GrafanaComponent.InstanceName(policyName)}-provisioning";

    public static string OperatorDashboardConfigMapName(string policyName) => $"{GrafanaComponent.InstanceName(policyName)}-dashboard-operator";

    /// <summary>
    /// The managed Grafana's objects; its pod mounts the dashboards <see cref="GrafanaDashboards.Publish"/> publishes with
    /// the same <paramref name="withSlos"/> (the SLO dashboard's too when true).
    /// </summary>
    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, bool withSlos = false)
    {
        var policyName = policy.Name!;
        var name = GrafanaComponent.InstanceName(policyName);
        var identity = new BackendIdentity(policy, AppName, Component, name);
        var grafana = GrafanaComponent.Settings(policy);
        var dataSources = GrafanaProvisioning.DataSources(policy, GrafanaComponent.PrometheusUrl(policy)!, GrafanaComponent.JaegerUrl(policy));
        var provider = GrafanaProvisioning.DashboardProvider(grafana.Dashboards.Folder);
        // The dashboards the pod mounts: the published ones when their settings are valid, and the operator's own.
        var dashboards = grafana.Dashboards.Enabled
            ? [.. GrafanaDashboards.Validate(policy).Count == 0 ? GrafanaDashboards.Of(policy, withSlos).Select(d => d.Name) : [], OperatorDashboardConfigMapName(policyName)]
            : new List<string>();

        yield return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = identity.Metadata(ProvisioningConfigMapName(policyName)),
            Data = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [DataSourcesFileName] = dataSources,
                [DashboardProviderFileName] = provider,
            },
        };
        if (grafana.Dashboards.Enabled)
        {
            yield return new V1ConfigMap
            {
                ApiVersion = "v1",
                Kind = "ConfigMap",
                // No sidecar label: a Grafana the user runs gets this dashboard once, from the Helm chart.
                Metadata = identity.Metadata(OperatorDashboardConfigMapName(policyName)),
                Data = new Dictionary<string, string>(StringComparer.Ordinal) { [OperatorDashboard.FileName] = OperatorDashboard.Render().ToJson() },
            };
        }

        var env = Environment(grafana);
        var template = PodTemplate(identity, grafana, env, dashboards, ConfigHash.Of([dataSources, provider, .. env.Select(Describe), .. dashboards]));
        yield return Workload(identity, grafana, template);
        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = identity.Metadata(name),
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = identity.SelectorLabels(),
                Ports = [new V1ServicePort { Name = "http", Port = HttpPort, TargetPort = "http", Protocol = "TCP", AppProtocol = "http" }],
            },
        };
        if (policy.NetworkPolicy)
        {
            yield return identity.NetworkPolicy(name, [HttpPort]);
        }

        if (grafana.Replicas > 1)
        {
            yield return HighAvailability.DisruptionBudget(identity);
        }
    }

    /// <summary>Grafana's settings as GF_* variables, in a fixed order; the admin credentials by reference only.</summary>
    internal static List<V1EnvVar> Environment(EffectiveGrafana grafana)
    {
        var secret = grafana.AdminSecret!;
        var env = new List<V1EnvVar>
        {
            new() { Name = "GF_PATHS_DATA", Value = DataDirectory },
            new() { Name = "GF_PATHS_PROVISIONING", Value = ProvisioningDirectory },
            // Logs go to stdout: nothing is written under /var/log/grafana on the read-only root.
            new() { Name = "GF_LOG_MODE", Value = "console" },
            new() { Name = "GF_SECURITY_ADMIN_USER", ValueFrom = SecretKey(secret.Name, secret.UserKey) },
            new() { Name = "GF_SECURITY_ADMIN_PASSWORD", ValueFrom = SecretKey(secret.Name, secret.PasswordKey) },
            new() { Name = "GF_AUTH_ANONYMOUS_ENABLED", Value = grafana.AnonymousViewing ? "true" : "false" },
        };
        if (grafana.AnonymousViewing)
        {
            env.Add(new V1EnvVar { Name = "GF_AUTH_ANONYMOUS_ORG_ROLE", Value = "Viewer" });
        }

        if (grafana.Database is { } database)
        {
            // The whole URL, credentials included, comes from the Secret: Grafana reads type, host, name, user and
            // password from it (GF_DATABASE_URL wins over the split variables), and the operator never sees it.
            env.Add(new V1EnvVar { Name = "GF_DATABASE_TYPE", Value = DatabaseType(database.Type) });
            env.Add(new V1EnvVar { Name = "GF_DATABASE_URL", ValueFrom = SecretKey(database.Url.Name, database.Url.Key) });
            env.Add(new V1EnvVar { Name = "GF_DATABASE_SSL_MODE", Value = SslMode(database) });
        }

        env.Add(new V1EnvVar { Name = "GF_USERS_ALLOW_SIGN_UP", Value = "false" });
        env.Add(new V1EnvVar { Name = "GF_ANALYTICS_REPORTING_ENABLED", Value = "false" });
        env.Add(new V1EnvVar { Name = "GF_ANALYTICS_CHECK_FOR_UPDATES", Value = "false" });
        return env;
    }

    internal static string DatabaseType(Api.GrafanaDatabaseType type) => type == Api.GrafanaDatabaseType.Mysql ? "mysql" : "postgres";

    // Grafana's ssl_mode: libpq's sslmode for PostgreSQL; for MySQL the driver's tls parameter (true verifies).
    internal static string SslMode(GrafanaDatabaseSettings database) => (database.Type, database.SslMode) switch
    {
        (Api.GrafanaDatabaseType.Postgres, Api.GrafanaDatabaseSslMode.Disable) => "disable",
        (Api.GrafanaDatabaseType.Postgres, Api.GrafanaDatabaseSslMode.Require) => "require",
        (Api.GrafanaDatabaseType.Postgres, _) => "verify-full",
        (_, Api.GrafanaDatabaseSslMode.Disable) => "false",
        (_, Api.GrafanaDatabaseSslMode.Require) => "skip-verify",
        _ => "true",
    };

    private static V1EnvVarSource SecretKey(string name, string key) =>
        new() { SecretKeyRef = new V1SecretKeySelector { Name = name, Key = key } };

    // What the hash covers of an entry: its value, or which Secret key it references (never the Secret's content).
    private static string Describe(V1EnvVar env) =>
        env.ValueFrom?.SecretKeyRef is { } reference ? $"{env.Name}=secret:{reference.Name}/{reference.Key}" : $"{env.Name}={env.Value}";

    private static IKubernetesObject<V1ObjectMeta> Workload(BackendIdentity identity, EffectiveGrafana grafana, V1PodTemplateSpec template)
    {
        var selector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() };
        if (grafana.Persistent)
        {
            var storage = grafana.Storage!;
            return new V1StatefulSet
            {
                ApiVersion = "apps/v1",
                Kind = "StatefulSet",
                Metadata = identity.Metadata(identity.InstanceName),
                Spec = new V1StatefulSetSpec
                {
                    Replicas = 1,
                    ServiceName = identity.InstanceName,
                    Selector = selector,
                    Template = template,
                    // Users, preferences and annotations are the user's data: deleting or scaling the StatefulSet keeps the claim.
                    PersistentVolumeClaimRetentionPolicy = RetainedDataClaims.Retention(),
                    VolumeClaimTemplates = [RetainedDataClaims.Claim(identity, DataVolume, storage.StorageClassName, storage.Size ?? throw new InvalidOperationException("persistent storage without a size"))],
                },
            };
        }

        // With a database the emptyDir holds only what Grafana may rebuild (plugins, renders): any pod may go.
        template.Spec.Volumes.Add(new V1Volume { Name = DataVolume, EmptyDir = new V1EmptyDirVolumeSource() });
        if (grafana.Replicas > 1)
        {
            template.Spec.Affinity = HighAvailability.SpreadByNode(identity);
        }

        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = identity.Metadata(identity.InstanceName),
            Spec = new V1DeploymentSpec
            {
                Replicas = grafana.Replicas,
                // Each pod has its own emptyDir database (or they share the PostgreSQL or MySQL one), so old and new may overlap: the UI stays up through a change.
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = 0 },
                },
                Selector = selector,
                Template = template,
            },
        };
    }

    private static V1PodTemplateSpec PodTemplate(
        BackendIdentity identity, EffectiveGrafana grafana, List<V1EnvVar> env, IReadOnlyList<string> dashboards, string configHash)
    {
        var provisioning = ProvisioningConfigMapName(identity.PolicyName);
        var health = new V1HTTPGetAction { Path = HealthPath, Port = "http", Scheme = "HTTP" };
        var mounts = new List<V1VolumeMount>
        {
            new() { Name = "datasources", MountPath = $"{ProvisioningDirectory}/datasources", ReadOnlyProperty = true },
            new() { Name = "dashboard-provider", MountPath = $"{ProvisioningDirectory}/dashboards", ReadOnlyProperty = true },
            new() { Name = DataVolume, MountPath = DataDirectory },
            new() { Name = "tmp", MountPath = "/tmp" },
        };
        var volumes = new List<V1Volume>
        {
            new() { Name = "datasources", ConfigMap = new V1ConfigMapVolumeSource { Name = provisioning, Items = [new V1KeyToPath { Key = DataSourcesFileName, Path = DataSourcesFileName }] } },
            new() { Name = "dashboard-provider", ConfigMap = new V1ConfigMapVolumeSource { Name = provisioning, Items = [new V1KeyToPath { Key = DashboardProviderFileName, Path = DashboardProviderFileName }] } },
            // The root filesystem is read-only; Grafana writes temporary files (renders, uploads) here.
            new() { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("256Mi") } },
        };
        if (dashboards.Count > 0)
        {
            mounts.Add(new V1VolumeMount { Name = "dashboards", MountPath = GrafanaProvisioning.DashboardsPath, ReadOnlyProperty = true });
            volumes.Add(new V1Volume
            {
                Name = "dashboards",
                Projected = new V1ProjectedVolumeSource { Sources = [.. dashboards.Select(d => new V1VolumeProjection { ConfigMap = new V1ConfigMapProjection { Name = d } })] },
            });
        }

        var container = new V1Container
        {
            Name = AppName,
            Image = grafana.Image,
            ImagePullPolicy = "IfNotPresent",
            Env = env,
            Ports = [new V1ContainerPort { Name = "http", ContainerPort = HttpPort, Protocol = "TCP" }],
            // The first start migrates the database; the startup probe holds the liveness probe off until it answers.
            StartupProbe = new V1Probe { HttpGet = health, PeriodSeconds = 10, FailureThreshold = 30, TimeoutSeconds = 5 },
            ReadinessProbe = new V1Probe { HttpGet = health, PeriodSeconds = 10, FailureThreshold = 3, TimeoutSeconds = 5 },
            LivenessProbe = new V1Probe { HttpGet = health, PeriodSeconds = 15, FailureThreshold = 5, TimeoutSeconds = 5 },
            Resources = grafana.Resources ?? DefaultResources(),
            SecurityContext = RestrictedPodSecurity.Container(UserId),
            VolumeMounts = mounts,
        };

        return new V1PodTemplateSpec
        {
            Metadata = identity.PodTemplateMetadata(configHash),
            Spec = new V1PodSpec
            {
                AutomountServiceAccountToken = false,
                EnableServiceLinks = false,
                SecurityContext = RestrictedPodSecurity.Pod(UserId, fsGroup: UserId),
                Containers = [container],
                Volumes = volumes,
            },
        };
    }

    // Enough for a handful of users and the WaddleBot dashboards; a policy's resources replace these entirely.
    private static V1ResourceRequirements DefaultResources() => new()
    {
        Requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            ["cpu"] = new("100m"),
            ["memory"] = new("256Mi"),
        },
        Limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            ["memory"] = new("1Gi"),
        },
    };
}
