using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Packaging;

/// <summary>
/// The Dockerfile, read as text (no Docker engine here to build it): multi-stage, publishing exactly as CI does
/// (scripts/test.sh), a chiseled runtime, the numeric non-root user the chart runs as, `run` as the entrypoint, OCI labels.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly IReadOnlyList<string> Instructions = ReadInstructions(RepositoryLayout.PathOf("Dockerfile"));

    /// <summary>From the last FROM on: what the image is.</summary>
    private static IReadOnlyList<string> FinalStage =>
        Instructions.Skip(Instructions.ToList().FindLastIndex(i => i.StartsWith("FROM ", StringComparison.Ordinal))).ToList();

    [Fact]
    public void Builds_in_the_sdk_and_runs_on_a_chiseled_runtime()
    {
        var stages = Instructions.Where(i => i.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.True(stages.Count >= 2, "the Dockerfile must be multi-stage");
        Assert.Contains("dotnet/sdk:", stages[0], StringComparison.Ordinal);
        // A Native AOT binary needs no .NET runtime: the runtime-deps base (glibc, OpenSSL, CA certificates) only.
        Assert.Matches("dotnet/runtime-deps:[^ ]*(chiseled|distroless)", stages[^1]);
        Assert.Contains(FinalStage, i => i.StartsWith("COPY --from=build ", StringComparison.Ordinal));
    }

    [Fact]
    public void Publishes_with_the_command_ci_runs()
    {
        var docker = PublishArguments(Assert.Single(Instructions, i => i.StartsWith("RUN dotnet publish ", StringComparison.Ordinal)));
        var ci = PublishArguments(Assert.Single(File.ReadAllLines(RepositoryLayout.PathOf("scripts", "test.sh")), l => l.StartsWith("dotnet publish ", StringComparison.Ordinal)));

        Assert.Equal(ci.Project, docker.Project);
        Assert.Equal(ci.Properties, docker.Properties);
        Assert.Equal("Release", docker.Options["--configuration"]);
        Assert.Equal("\"$configuration\"", ci.Options["--configuration"]);
        // The same options but --no-restore, which the image's separate restore layer allows.
        Assert.Equal(ci.Options.Keys.Order(), docker.Options.Keys.Where(k => k != "--no-restore").Order());
    }

    [Fact]
    public void Runs_run_as_the_numeric_non_root_user_the_chart_sets()
    {
        var user = Assert.Single(FinalStage, i => i.StartsWith("USER ", StringComparison.Ordinal))["USER ".Length..];
        var match = Regex.Match(user, "^([0-9]+)(?::([0-9]+))?$");
        Assert.True(match.Success, $"USER {user} must be numeric (uid[:gid]) so runAsNonRoot can be verified without /etc/passwd");
        var uid = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(0, uid);

        var deployment = KubernetesYaml.LoadAllFromString(File.ReadAllText(RepositoryLayout.PathOf("config", "manager", "deployment.yaml"))).OfType<V1Deployment>().Single();
        Assert.Equal(uid, deployment.Spec.Template.Spec.SecurityContext.RunAsUser);
        Assert.Equal(uid, deployment.Spec.Template.Spec.Containers[0].SecurityContext.RunAsUser);

        var entrypoint = JsonSerializer.Deserialize<string[]>(Assert.Single(FinalStage, i => i.StartsWith("ENTRYPOINT ", StringComparison.Ordinal))["ENTRYPOINT ".Length..])!;
        Assert.Equal(["/app/WaddleObservabilityOperator", "run"], entrypoint);
        // The chart passes only flags (args), so the entrypoint's `run` is what runs.
        Assert.Null(deployment.Spec.Template.Spec.Containers[0].Command);

        var exposed = Assert.Single(FinalStage, i => i.StartsWith("EXPOSE ", StringComparison.Ordinal))["EXPOSE ".Length..].Split(' ');
        Assert.Equal(deployment.Spec.Template.Spec.Containers[0].Ports.Select(p => p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), exposed.Order());
    }

    [Fact]
    public void Carries_the_oci_labels()
    {
        var labels = string.Join(' ', FinalStage.Where(i => i.StartsWith("LABEL ", StringComparison.Ordinal)));
        foreach (var key in new[] { "title", "description", "source", "version", "revision", "vendor" })
        {
            Assert.Contains($"org.opencontainers.image.{key}=", labels, StringComparison.Ordinal);
        }
    }

    /// <summary>Instructions with their line continuations joined and comments dropped.</summary>
    private static IReadOnlyList<string> ReadInstructions(string path)
    {
        var joined = BackslashNewline().Replace(File.ReadAllText(path), " ");
        return joined.Split('\n').Select(l => Spaces().Replace(l.Trim(), " ")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
    }

    private static (string Project, IReadOnlyList<string> Properties, IReadOnlyDictionary<string, string?> Options) PublishArguments(string line)
    {
        var words = line[line.IndexOf("dotnet publish ", StringComparison.Ordinal)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(2).ToList();
        var options = new Dictionary<string, string?>();
        for (var i = 1; i < words.Count; i++)
        {
            if (words[i].StartsWith("--", StringComparison.Ordinal))
            {
                options[words[i]] = i + 1 < words.Count && !words[i + 1].StartsWith('-') ? words[++i] : null;
            }
        }

        return (words[0], words.Where(w => w.StartsWith("-p:", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList(), options);
    }

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex BackslashNewline();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
