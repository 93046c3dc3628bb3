using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeApiEmulator.Schema;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Upstream;

/// <summary>
/// prometheus-operator's schemas as the tests have them on any machine: its generated validators from the npm package
/// @kubernetes-models/prometheus-operator (run by tests/tools/monitoring-validator, installed by scripts/install-tools.sh),
/// and the stand-in ServiceMonitor CRD in tests/fixtures that the API emulator installs. Where the upstream CRD is found
/// beside the repository, it is a third, extra check.
/// </summary>
internal static class PrometheusOperatorSchemas
{
    public const string ServiceMonitorCrdFile = "monitoring.coreos.com_servicemonitors.yaml";

    /// <summary>The stand-in for prometheus-operator's ServiceMonitor CRD (tests/fixtures/prometheus-operator).</summary>
    public static string StandInServiceMonitorCrd { get; } = RepositoryLayout.PathOf("tests", "fixtures", "prometheus-operator", ServiceMonitorCrdFile);

    /// <summary>The stand-in for prometheus-operator's PrometheusRule CRD (tests/fixtures/prometheus-operator).</summary>
    public static string StandInPrometheusRuleCrd { get; } = RepositoryLayout.PathOf("tests", "fixtures", "prometheus-operator", "monitoring.coreos.com_prometheusrules.yaml");

    private static string ValidatorDirectory { get; } = RepositoryLayout.PathOf("tests", "tools", "monitoring-validator");

    /// <summary>The upstream CRD where a copy is beside the repository, else null (see <see cref="RepositoryLayout.UpstreamReference"/>).</summary>
    public static string? UpstreamServiceMonitorCrd() => RepositoryLayout.UpstreamReference("prometheus-operator", ServiceMonitorCrdFile);

    /// <summary>The emulator's structural schema validator over a CRD file's v1 schema, as the API server checks a create.</summary>
    public static StructuralSchemaValidator SchemaOf(string crdFile)
    {
        var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(File.ReadAllText(crdFile));
        var version = crd.Spec.Versions.Single(v => v.Name == "v1");
        return new StructuralSchemaValidator(JsonNode.Parse(KubernetesJson.Serialize(version.Schema.OpenAPIV3Schema))!);
    }

    /// <summary>The errors the CRD's schema finds in an object, unknown fields included (strict field validation).</summary>
    public static IReadOnlyList<string> SchemaErrors(StructuralSchemaValidator schema, JsonObject obj) =>
        [.. schema.ValidateAndPrune((JsonObject)obj.DeepClone(), strictUnknownFields: true).Select(e => e.ToString())];

    /// <summary>
    /// Runs prometheus-operator's generated validators on the objects: one entry per object, in order, with the
    /// validator's messages ("spec/endpoints/0/port must be string"). Fails the test when node or the package is missing.
    /// </summary>
    public static async Task<IReadOnlyList<ValidatorVerdict>> ValidateAsync(IReadOnlyList<JsonObject> objects)
    {
        var script = Path.Combine(ValidatorDirectory, "validate.mjs");
        var package = Path.Combine(ValidatorDirectory, "node_modules", "@kubernetes-models", "prometheus-operator", "package.json");
        Assert.True(File.Exists(package), $"{package} is missing: run `bash scripts/install-tools.sh` (it installs tests/tools/monitoring-validator with npm ci).");
        var start = new ProcessStartInfo(NodePath(), [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = ValidatorDirectory,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(new JsonArray([.. objects.Select(o => o.DeepClone())]).ToJsonString());
        process.StandardInput.Close();
        // A guard against a hung tool, not a timing assertion.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(guard.Token);
        Assert.True(process.ExitCode is 0 or 1, $"validate.mjs exit code {process.ExitCode}: {await stderr}");
        var verdicts = JsonSerializer.Deserialize<List<ValidatorVerdict>>(await stdout, JsonOptions)!;
        Assert.Equal(objects.Count, verdicts.Count);
        return verdicts;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private static string NodePath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "node"))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("node is not on PATH: prometheus-operator's validators run on Node.js (scripts/install-tools.sh installs the Debian package nodejs when missing).");
}

/// <summary>What the generated validators said of one object.</summary>
internal sealed record ValidatorVerdict(string? ApiVersion, string? Kind, string? Name, IReadOnlyList<string> Errors)
{
    public override string ToString() => $"{Kind} {Name}: {(Errors.Count == 0 ? "valid" : string.Join("; ", Errors))}";
}
