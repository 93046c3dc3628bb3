using System.Text.RegularExpressions;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>
/// Where credentials go, over every variant that takes one (the Jaeger stores with authentication, Grafana on a database, the exporters and
/// Alertmanager of <see cref="BackendTestData.Everything"/>): an environment variable that carries a user, password or
/// database URL comes from a Secret by secretKeyRef and has no value; a config file names a password only as an
/// environment reference; the BackendsReady message names no Secret key.
/// </summary>
public sealed partial class CredentialPlacementTests
{
    public static TheoryData<string> Variants()
    {
        // Memory and badger take no credential; the OpenSearch of the test data has no authentication.
        return ["jaeger-elasticsearch", "jaeger-cassandra", "grafana-database", "everything"];
    }

    private static EffectivePolicy Variant(string name)
    {
        if (name.StartsWith("jaeger-", StringComparison.Ordinal))
        {
            var (store, replicas) = BackendTestData.JaegerStore(name["jaeger-".Length..]);
            return BackendTestData.WithJaeger(store, replicas);
        }

        var database = new GrafanaDatabaseSettings(GrafanaDatabaseType.Postgres, new SecretKeyReference { Name = "grafana-db", Key = "url" }, GrafanaDatabaseSslMode.Require);
        return name == "grafana-database"
            ? BackendTestData.Policy(grafana: BackendTestData.Grafana() with { Database = database, Replicas = 2 })
            : BackendTestData.Everything();
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Credentials_come_from_secrets_and_never_sit_in_a_configmap_or_an_env_value(string variant)
    {
        var policy = Variant(variant);
        var result = ManagedBackendsRenderer.RenderForPolicy(policy, BackendTestData.ThreeServices(policy));
        Assert.True(result.Outcome!.Status, result.Outcome.Message);
        var templates = result.Objects.Select(o => o switch
        {
            V1Deployment d => d.Spec.Template,
            V1StatefulSet s => s.Spec.Template,
            V1DaemonSet s => s.Spec.Template,
            _ => null,
        }).OfType<V1PodTemplateSpec>().ToList();
        var credentials = templates.SelectMany(t => t.Spec.Containers).SelectMany(c => c.Env ?? []).Where(e => CredentialName().IsMatch(e.Name)).ToList();
        Assert.NotEmpty(credentials);
        Assert.All(credentials, e =>
        {
            Assert.Null(e.Value);
            Assert.NotNull(e.ValueFrom?.SecretKeyRef);
        });

        foreach (var text in result.Objects.OfType<V1ConfigMap>().SelectMany(c => c.Data.Values))
        {
            foreach (Match password in PasswordEntry().Matches(text))
            {
                Assert.Matches(@"^\$\{env:[A-Z_]+\}$", password.Groups[1].Value.Trim());
            }
        }

        var keys = credentials.Select(e => e.ValueFrom.SecretKeyRef.Key).Distinct(StringComparer.Ordinal);
        Assert.All(keys, key => Assert.DoesNotContain($"{key}=", result.Outcome.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void The_check_catches_a_password_written_into_the_config()
    {
        // The control: a config that carries the password itself is caught by the same expression.
        var matches = PasswordEntry().Matches("auth:\n  basic:\n    username: jaeger\n    password: hunter2\n");
        Assert.DoesNotMatch(@"^\$\{env:[A-Z_]+\}$", Assert.Single(matches).Groups[1].Value.Trim());
    }

    [GeneratedRegex("(PASSWORD|PASS$|USER(NAME)?$|DATABASE_URL)", RegexOptions.CultureInvariant)]
    private static partial Regex CredentialName();

    [GeneratedRegex(@"(?m)^\s*password\s*:\s*(.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex PasswordEntry();
}
