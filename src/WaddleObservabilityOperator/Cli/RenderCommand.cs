using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Json;
using WaddleObservabilityOperator.Manifests;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Cli;

/// <summary>
/// <c>render PATH...|- [-o yaml|json] [--no-servicemonitors] [--now TIME]</c>: what the operator would do for a set of
/// manifests, offline. Output is all or nothing: any invalid input prints every error on stderr and nothing on stdout.
/// </summary>
public static class RenderCommand
{
    private static readonly JsonSerializerOptions IndentedJson = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr) =>
        Run(args, TextReader.Null, stdout, stderr);

    public static int Run(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (RenderOptions.Parse(args, out var usageError) is not { } options)
        {
            stderr.WriteLine($"render: {usageError}");
            stderr.WriteLine(RenderOptions.Usage);
            return ExitCodes.Usage;
        }

        if (options.Help)
        {
            stdout.WriteLine(RenderOptions.Usage);
            return ExitCodes.Success;
        }

        var loaded = ManifestLoader.Load(options.Paths, stdin);
        if (!loaded.IsValid)
        {
            foreach (var error in loaded.Errors)
            {
                stderr.WriteLine(error.ToString());
            }

            var count = loaded.Errors.Count.ToString(CultureInfo.InvariantCulture);
            stderr.WriteLine($"render: {count} {(loaded.Errors.Count == 1 ? "error" : "errors")} in the input; nothing rendered");
            return ExitCodes.InvalidInput;
        }

        var documents = Render(loaded.Manifests, options);
        stdout.Write(options.Format == OutputFormat.Json ? ToJsonList(documents) : new ManifestYamlWriter().WriteAll(documents));
        stdout.Flush();
        return ExitCodes.Success;
    }

    /// <summary>
    /// The objects to print, in order: the desired children (in install order), the workloads whose pod template
    /// changes, then each WaddleService and each ObservabilityPolicy with the status the operator would write.
    /// </summary>
    public static IReadOnlyList<JsonNode> Render(ManifestSet manifests, RenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<IKubernetesObject<V1ObjectMeta>> workloads =
            [.. manifests.Deployments, .. manifests.StatefulSets, .. manifests.DaemonSets];
        var input = new RenderInput(
            manifests.Policies,
            manifests.WaddleServices,
            workloads,
            // No Service in the input means "not known", not "none": the Service checks are skipped rather than failed.
            manifests.Services.Count == 0 ? null : manifests.Services,
            new RenderCapabilities(ServiceMonitorApi: options.ServiceMonitorsInstalled, PrometheusRuleApi: options.ServiceMonitorsInstalled),
            manifests.Namespaces);
        var output = SystemRenderer.Render(input);

        var documents = new List<JsonNode>();
        documents.AddRange(output.Objects.Select(ToNode));
        documents.AddRange(output.Workloads.Where(w => w.Changed).Select(w => ToNode(w.Workload)));

        var services = manifests.WaddleServices.ToDictionary(s => (s.Metadata.NamespaceProperty, s.Metadata.Name));
        foreach (var outcome in output.Services)
        {
            var service = services[(outcome.Namespace, outcome.Name)];
            documents.Add(WithStatus(service, StatusRenderer.ServiceStatus(outcome, options.Now, service.Status)));
        }

        var policies = manifests.Policies.ToDictionary(p => (p.Metadata.NamespaceProperty, p.Metadata.Name));
        foreach (var outcome in output.Policies)
        {
            var policy = policies[(outcome.Namespace, outcome.Name)];
            documents.Add(WithStatus(policy, StatusRenderer.PolicyStatus(outcome, options.Now, policy.Status)));
        }

        return documents;
    }

    private static JsonNode ToNode(object value) => OperatorJson.ToNode(value);

    // The input object is left untouched: the status goes on its JSON copy.
    private static JsonNode WithStatus(object resource, object status)
    {
        var node = ToNode(resource);
        node["status"] = ToNode(status);
        return node;
    }

    private static string ToJsonList(IReadOnlyList<JsonNode> documents)
    {
        var list = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "List",
            ["items"] = new JsonArray([.. documents]),
        };
        return list.ToJsonString(IndentedJson) + "\n";
    }
}
