using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Bench.Scale;

/// <summary>
/// The cluster a scale run starts from, as a user would have it before installing the operator: per namespace two
/// policies (a remote-sampling default for every service, and a higher-priority static-sampling one for the action
/// layer), and N WaddleServices spread over the namespaces, each with its Deployment and Service. One service in ten
/// sets its own sampling ratio and one in twenty its own operations, so the sampling documents carry entries.
/// </summary>
public sealed class ScaleWorkload(int services, int namespaces)
{
    public const string DefaultPolicy = "waddlebot";
    public const string ActionPolicy = "action-tier";

    private static readonly string[] Layers = ["processing", "trigger", "action", "core", "admin"];

    public int Services { get; } = services;

    public IReadOnlyList<string> Namespaces { get; } =
        [.. Enumerable.Range(0, namespaces).Select(i => namespaces == 1 ? "waddlebot" : $"waddlebot-{i.ToString("D3", CultureInfo.InvariantCulture)}")];

    public IReadOnlyList<string> Policies { get; } = [DefaultPolicy, ActionPolicy];

    /// <summary>The i-th service: its namespace, name and layer.</summary>
    public (string Namespace, string Name, string Layer) Service(int i) =>
        (Namespaces[i % Namespaces.Count], $"svc-{i.ToString("D5", CultureInfo.InvariantCulture)}", Layers[i % Layers.Length]);

    /// <summary>Whether the i-th service falls under the static-sampling policy (a ratio change rolls its workload).</summary>
    public bool IsStatic(int i) => Service(i).Layer == "action";

    public async Task CreateAsync(Kubernetes user, int parallelism, CancellationToken cancellationToken)
    {
        foreach (var ns in Namespaces)
        {
            await user.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await CreateCustomAsync(user, ns, ObservabilityPolicy.Plural, Policy(ns, DefaultPolicy, priority: 0, mode: "remote", layers: null), cancellationToken).ConfigureAwait(false);
            await CreateCustomAsync(user, ns, ObservabilityPolicy.Plural, Policy(ns, ActionPolicy, priority: 10, mode: "static", layers: ["action"]), cancellationToken).ConfigureAwait(false);
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, Services), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var (ns, name, layer) = Service(i);
            await user.AppsV1.CreateNamespacedDeploymentAsync(Deployment(ns, name, layer), ns, cancellationToken: ct).ConfigureAwait(false);
            await user.CoreV1.CreateNamespacedServiceAsync(KubeService(ns, name), ns, cancellationToken: ct).ConfigureAwait(false);
            await CreateCustomAsync(user, ns, WaddleService.Plural, WaddleServiceBody(i), ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private static Task CreateCustomAsync(Kubernetes user, string ns, string plural, JsonObject body, CancellationToken cancellationToken) =>
        user.CustomObjects.CreateNamespacedCustomObjectAsync(body, ApiGroup.Group, ApiGroup.Version, ns, plural, cancellationToken: cancellationToken);

    private static JsonObject Policy(string ns, string name, int priority, string mode, string[]? layers)
    {
        var spec = new JsonObject
        {
            ["selector"] = new JsonObject(),
            ["priority"] = priority,
            ["resourceAttributes"] = new JsonObject { ["deployment.environment"] = "production" },
            ["tracing"] = new JsonObject
            {
                ["enabled"] = true,
                ["exporter"] = "otlp",
                ["sampling"] = new JsonObject
                {
                    ["mode"] = mode,
                    ["defaultRatio"] = 0.1,
                    ["operations"] = new JsonArray(new JsonObject { ["operation"] = "GET /health", ["ratio"] = 0.05 }),
                },
            },
            ["metrics"] = new JsonObject { ["enabled"] = true, ["scrapeInterval"] = "15s", ["scrapeTimeout"] = "10s" },
        };
        if (layers is not null)
        {
            spec["layers"] = new JsonArray([.. layers.Select(l => (JsonNode)l)]);
        }

        return new JsonObject
        {
            ["apiVersion"] = ApiGroup.ApiVersion,
            ["kind"] = ObservabilityPolicy.KindName,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = spec,
        };
    }

    private JsonObject WaddleServiceBody(int i)
    {
        var (ns, name, layer) = Service(i);
        var tracing = new JsonObject();
        if (i % 10 == 3)
        {
            tracing["samplingRatio"] = 0.5;
        }

        if (i % 20 == 7)
        {
            tracing["operations"] = new JsonArray(new JsonObject { ["operation"] = "POST /events", ["ratio"] = 1.0 });
        }

        return new JsonObject
        {
            ["apiVersion"] = ApiGroup.ApiVersion,
            ["kind"] = WaddleService.KindName,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = new JsonObject { ["app.kubernetes.io/part-of"] = "waddlebot" } },
            ["spec"] = new JsonObject
            {
                ["layer"] = layer,
                ["version"] = "1.0.0",
                ["workload"] = new JsonObject { ["kind"] = "Deployment", ["name"] = name },
                ["metrics"] = new JsonObject { ["port"] = "http-metrics", ["path"] = "/metrics" },
                ["tracing"] = tracing,
            },
        };
    }

    private static V1Deployment Deployment(string ns, string name, string layer)
    {
        var labels = new Dictionary<string, string>
        {
            ["app.kubernetes.io/name"] = name,
            ["app.kubernetes.io/part-of"] = "waddlebot",
            ["app.kubernetes.io/component"] = layer,
        };
        return new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        Containers =
                        [
                            new V1Container
                            {
                                Name = name,
                                Image = $"ghcr.io/waddlebot/{name}:1.0.0",
                                Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8000 }, new V1ContainerPort { Name = "http-metrics", ContainerPort = 9091 }],
                                Env = [new V1EnvVar { Name = "LOG_LEVEL", Value = "INFO" }],
                            },
                        ],
                    },
                },
            },
        };
    }

    private static V1Service KubeService(string ns, string name) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name, ["app.kubernetes.io/part-of"] = "waddlebot" },
        },
        Spec = new V1ServiceSpec
        {
            Selector = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name },
            Ports = [new V1ServicePort { Name = "http", Port = 8000 }, new V1ServicePort { Name = "http-metrics", Port = 9091 }],
        },
    };
}
