using WaddleObservabilityOperator.Cli;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Cli;

public sealed class RenderCommandTests
{
    private static readonly string InvalidFolder = RepositoryLayout.PathOf("tests", "WaddleObservabilityOperator.Tests", "Cli", "InvalidManifests");
    private static readonly string SamplesFolder = RepositoryLayout.PathOf("config", "samples", "waddlebot");

    private static (int ExitCode, string Stdout, string Stderr) Render(params string[] args) => RenderInvocation.Run(args);

    [Fact]
    public void Invalid_input_exits_1_lists_every_error_and_prints_nothing_on_stdout()
    {
        var (exitCode, stdout, stderr) = Render(InvalidFolder);

        Assert.Equal(ExitCodes.InvalidInput, exitCode);
        Assert.Equal("", stdout);
        var lines = stderr.TrimEnd('\n').Split('\n');
        Assert.All(lines[..^1], l => Assert.StartsWith(InvalidFolder + "/", l, StringComparison.Ordinal));
        Assert.Equal($"render: {lines.Length - 1} errors in the input; nothing rendered", lines[^1]);
        Assert.True(lines.Length > Directory.GetFiles(InvalidFolder).Length, "several errors in one file are all listed");
    }

    [Fact]
    public void A_half_valid_input_prints_nothing_on_stdout()
    {
        var (exitCode, stdout, stderr) = Render(SamplesFolder, Path.Combine(InvalidFolder, "type-errors.yaml"));

        Assert.Equal(ExitCodes.InvalidInput, exitCode);
        Assert.Equal("", stdout);
        Assert.Contains("type-errors.yaml: Deployment waddlebot/router: spec.replicas: must be an integer, got \"three\"", stderr, StringComparison.Ordinal);
        Assert.EndsWith("render: 2 errors in the input; nothing rendered\n", stderr.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_file_reached_by_two_spellings_is_read_once()
    {
        var again = Path.Combine(InvalidFolder, "..", "..", "..", "..", "config", "samples", "waddlebot", "01-policy.yaml");

        var (exitCode, stdout, stderr) = Render(SamplesFolder, again);

        Assert.Equal("", stderr);
        Assert.Equal(0, exitCode);
        Assert.NotEqual("", stdout);
    }

    [Fact]
    public void An_object_declared_in_two_files_is_an_error_naming_both()
    {
        var copy = Path.Combine(Directory.CreateTempSubdirectory("render-dup-").FullName, "policy-copy.yaml");
        File.Copy(Path.Combine(SamplesFolder, "01-policy.yaml"), copy);
        try
        {
            var (exitCode, stdout, stderr) = Render(SamplesFolder, copy);

            Assert.Equal(ExitCodes.InvalidInput, exitCode);
            Assert.Equal("", stdout);
            Assert.StartsWith(
                $"{copy}: ObservabilityPolicy waddlebot/waddlebot: declared twice: also in {SamplesFolder}/01-policy.yaml (document 1)\n",
                stderr.ReplaceLineEndings("\n"),
                StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(copy)!, recursive: true);
        }
    }

    [Theory]
    [InlineData(new string[0], "render: no PATH given")]
    [InlineData(new[] { "x", "--bogus" }, "render: unknown option --bogus")]
    [InlineData(new[] { "x", "-o" }, "render: -o needs a value: yaml or json")]
    [InlineData(new[] { "x", "-o", "xml" }, "render: unknown output format 'xml': use yaml or json")]
    [InlineData(new[] { "x", "--output=toml" }, "render: unknown output format 'toml'")]
    [InlineData(new[] { "x", "--now", "yesterday" }, "render: --now needs an RFC 3339 time")]
    public void Usage_errors_exit_2_with_the_usage_on_stderr(string[] args, string message)
    {
        var (exitCode, stdout, stderr) = Render(args);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", stdout);
        Assert.StartsWith(message, stderr, StringComparison.Ordinal);
        Assert.Contains("usage: WaddleObservabilityOperator render PATH...", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_goes_to_stdout_and_exits_0()
    {
        var (exitCode, stdout, stderr) = Render("--help");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("usage: WaddleObservabilityOperator render PATH...", stdout, StringComparison.Ordinal);
        Assert.Equal("", stderr);
    }

    [Fact]
    public void A_path_after_double_dash_may_start_with_a_dash()
    {
        var (exitCode, _, stderr) = Render("--", "-missing.yaml");

        Assert.Equal(ExitCodes.InvalidInput, exitCode);
        Assert.StartsWith("-missing.yaml: no such file or folder", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Dash_reads_what_kubectl_get_prints_from_standard_input()
    {
        // kubectl get -o yaml: a v1 List, objects with server-set metadata and status.
        const string listed = """
            apiVersion: v1
            kind: List
            metadata:
              resourceVersion: ""
            items:
            - apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: router
                namespace: waddlebot
                uid: 0b6f1c8e-2a0e-4c4e-9a52-0d1f4b3c2a10
                resourceVersion: "4711"
                generation: 3
                creationTimestamp: "2025-01-02T03:04:05Z"
                managedFields:
                - manager: kubectl-client-side-apply
                  operation: Update
                  apiVersion: apps/v1
                  time: "2025-01-02T03:04:05Z"
                  fieldsType: FieldsV1
                  fieldsV1: {"f:spec": {"f:replicas": {}}}
              spec:
                replicas: 1
                selector: {matchLabels: {app.kubernetes.io/name: router}}
                template:
                  metadata: {labels: {app.kubernetes.io/name: router}}
                  spec:
                    containers:
                    - name: router
                      image: ghcr.io/waddlebot/router:1.0.0
              status:
                replicas: 1
                readyReplicas: 1
                conditions:
                - type: Available
                  status: "True"
                  lastTransitionTime: "2025-01-02T03:04:05Z"
            - apiVersion: observability.waddlebot.io/v1alpha1
              kind: WaddleService
              metadata: {name: router, namespace: waddlebot, generation: 1}
              spec:
                layer: processing
                workload: {name: router}
            """;
        using var stdin = new StringReader(listed);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = RenderCommand.Run(["-"], stdin, stdout, stderr);

        Assert.Equal("", stderr.ToString());
        Assert.Equal(0, exitCode);
        Assert.Contains("kind: ServiceMonitor", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("- name: OTEL_SERVICE_NAME\n          value: router\n", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_in_standard_input_are_located_as_stdin()
    {
        using var stdin = new StringReader("apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = RenderCommand.Run(["-"], stdin, stdout, stderr);

        Assert.Equal(ExitCodes.InvalidInput, exitCode);
        Assert.Equal("", stdout.ToString());
        Assert.StartsWith("<stdin>: document 1: kind: Secret is not a kind render reads", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_time_of_new_conditions_is_the_now_option()
    {
        var (_, stdout, _) = Render(SamplesFolder, "--now", "2025-01-31T12:00:00Z");

        Assert.Contains("lastTransitionTime: \"2025-01-31T12:00:00Z\"", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("1970-01-01", stdout, StringComparison.Ordinal);
    }
}
