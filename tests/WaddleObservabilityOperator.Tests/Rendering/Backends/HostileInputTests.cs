using WaddleObservabilityOperator.Rendering.Backends;
using YamlDotNet.RepresentationModel;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>User values with YAML and regex syntax in them give valid YAML whose values equal the input, and relabel rules that match exactly the intended target.</summary>
public sealed class HostileInputTests
{
    private static YamlMappingNode RenderHostile()
    {
        var policy = HostileInput.Policy();
        return YamlTree.Load(PrometheusConfigDocument.Render(policy, HostileInput.Services(policy)));
    }

    private static YamlNode HostileJob(YamlMappingNode config) =>
        config.Items("scrape_configs").Single(j => j.Text("job_name") == $"waddle/{BackendTestData.Namespace}/{HostileInput.ServiceName}");

    [Fact]
    public void Job_name_and_metrics_path_read_back_as_given()
    {
        var job = HostileJob(RenderHostile());
        Assert.Equal(HostileInput.Path, job.Text("metrics_path"));
    }

    [Fact]
    public void External_label_values_read_back_as_given_with_dollar_signs_escaped_for_expansion()
    {
        var labels = RenderHostile().At("global", "external_labels");
        var written = labels.Text("environment");
        Assert.Equal(HostileInput.ExternalLabelValue.Replace("$", "$$", StringComparison.Ordinal), written);
        // What Prometheus 3 expands: "$$" is a literal '$'; no lone '$' is left to pick up an environment variable.
        Assert.DoesNotContain('$', written.Replace("$$", "", StringComparison.Ordinal));
        Assert.Equal(HostileInput.ExternalLabelValue, written.Replace("$$", "$", StringComparison.Ordinal));
        // "true" stays a string rather than becoming a YAML boolean.
        Assert.Equal("true", labels.Text("cluster"));
        Assert.NotEqual(YamlDotNet.Core.ScalarStyle.Plain, ((YamlScalarNode)labels.At("cluster")).Style);
    }

    [Fact]
    public void Selector_label_names_are_sanitized_like_prometheus()
    {
        var rules = HostileJob(RenderHostile()).Items("relabel_configs");
        var sources = rules.Where(r => r.Has("source_labels")).SelectMany(r => r.Items("source_labels")).Select(n => ((YamlScalarNode)n).Value).ToList();
        Assert.Contains("__meta_kubernetes_service_label_app_kubernetes_io_na_me___x", sources);
        Assert.Contains("__meta_kubernetes_service_labelpresent_app_kubernetes_io_na_me___x", sources);
        Assert.All(sources, s => Assert.True(PrometheusSyntax.IsValidLabelName(s!), s));
    }

    [Fact]
    public void Relabel_rules_keep_exactly_the_selected_service_and_port()
    {
        var rules = HostileJob(RenderHostile()).Items("relabel_configs");
        var intended = Target(HostileInput.SelectorValue, HostileInput.SecondSelectorValue, HostileInput.Port);

        var kept = RelabelSimulator.Apply(rules, intended);
        Assert.NotNull(kept);
        Assert.Equal(BackendTestData.Namespace, kept["namespace"]);
        Assert.Equal("weird-svc", kept["service"]);
        Assert.Equal("weird-svc", kept["job"]);
        Assert.Equal("weird-0", kept["pod"]);
        Assert.Equal("weird-0:" + HostileInput.Port, kept["instance"]);

        // Near misses a regex built from unescaped values would accept.
        Assert.Null(RelabelSimulator.Apply(rules, Target("vXa+l*u?e(1)|[2]{3}^$\\ \"q\" 'a' #h {{ t }}\nline2: x", HostileInput.SecondSelectorValue, HostileInput.Port)));
        Assert.Null(RelabelSimulator.Apply(rules, Target("v", HostileInput.SecondSelectorValue, HostileInput.Port)));
        Assert.Null(RelabelSimulator.Apply(rules, Target(HostileInput.SelectorValue + "x", HostileInput.SecondSelectorValue, HostileInput.Port)));
        Assert.Null(RelabelSimulator.Apply(rules, Target(HostileInput.SelectorValue, "anything", HostileInput.Port)));
        Assert.Null(RelabelSimulator.Apply(rules, Target(HostileInput.SelectorValue, HostileInput.SecondSelectorValue, "http-metrics")));
        Assert.Null(RelabelSimulator.Apply(rules, Target(HostileInput.SelectorValue, HostileInput.SecondSelectorValue, "")));
        Assert.Null(RelabelSimulator.Apply(rules, Target(HostileInput.SelectorValue, HostileInput.SecondSelectorValue, HostileInput.Port, phase: "Succeeded")));

        // A Service with the value but without the label is not kept: the labelpresent half of the rule.
        var absent = new Dictionary<string, string>(intended);
        absent.Remove("__meta_kubernetes_service_labelpresent_app_kubernetes_io_na_me___x");
        absent["__meta_kubernetes_service_label_app_kubernetes_io_na_me___x"] = "";
        Assert.Null(RelabelSimulator.Apply(rules, absent));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData(@"\.+*?()|[]{}^$")]
    [InlineData("a b#c\td\n")]
    [InlineData("é ü 中 🐧")]
    [InlineData("")]
    public void Quoted_regex_matches_the_literal_and_nothing_else(string literal)
    {
        var pattern = new System.Text.RegularExpressions.Regex(@"\A(?:" + PrometheusSyntax.QuoteRegex(literal) + @")\z");
        Assert.Matches(pattern, literal);
        Assert.DoesNotMatch(pattern, literal + "x");
        Assert.DoesNotMatch(pattern, "x" + literal);
        if (literal.Length > 1)
        {
            Assert.DoesNotMatch(pattern, literal[1..]);
        }
    }

    [Fact]
    public void Quoted_regex_escapes_exactly_what_go_quotemeta_escapes()
    {
        // Letters, digits, space, '#' and newlines stay as they are; an escaped letter would change meaning in RE2 (\d, \s).
        Assert.Equal(@"a b#c\.\+\*\?\(\)\|\[\]\{\}\^\$\\", PrometheusSyntax.QuoteRegex(@"a b#c.+*?()|[]{}^$\"));
    }

    private static Dictionary<string, string> Target(string selectorValue, string secondValue, string port, string phase = "Running") => new(StringComparer.Ordinal)
    {
        ["__address__"] = "10.0.0.7:9100",
        ["job"] = "ignored",
        ["__meta_kubernetes_namespace"] = BackendTestData.Namespace,
        ["__meta_kubernetes_service_name"] = "weird-svc",
        ["__meta_kubernetes_service_label_app_kubernetes_io_na_me___x"] = selectorValue,
        ["__meta_kubernetes_service_labelpresent_app_kubernetes_io_na_me___x"] = "true",
        ["__meta_kubernetes_service_label_tier"] = secondValue,
        ["__meta_kubernetes_service_labelpresent_tier"] = "true",
        ["__meta_kubernetes_endpointslice_port_name"] = port,
        ["__meta_kubernetes_pod_name"] = "weird-0",
        ["__meta_kubernetes_pod_container_name"] = "app",
        ["__meta_kubernetes_pod_phase"] = phase,
    };
}
