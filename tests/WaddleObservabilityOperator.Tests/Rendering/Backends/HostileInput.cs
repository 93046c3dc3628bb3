using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>Values chosen to break naive YAML or regex generation: quotes, newlines, colons, '#', templates, regex metacharacters.</summary>
internal static class HostileInput
{
    public const string ServiceName = "we\"ird: name #1 {{ .Values }}";
    public const string SelectorKey = "app.kubernetes.io/na\"me: #x";
    public const string SelectorValue = "v.a+l*u?e(1)|[2]{3}^$\\ \"q\" 'a' #h {{ t }}\nline2: x";
    public const string SecondSelectorKey = "tier";
    public const string SecondSelectorValue = ".*";
    public const string Port = "http:metrics #1 \"x\" {{y}} .*|";
    public const string Path = "/metrics?x=\"1\"#frag {{ .Values }}: y\n- z";
    public const string ExternalLabelValue = "$HOME ${X} $$ \"q\" \n #c: {{v}} 'a'";

    public static EffectivePolicy Policy() =>
        BackendTestData.Policy(externalLabels: [new("environment", ExternalLabelValue), new("cluster", "true")]);

    public static IReadOnlyList<ResolvedService> Services(EffectivePolicy policy) =>
    [
        BackendTestData.Service(
            policy,
            ServiceName,
            port: Port,
            path: Path,
            selector: [new(SelectorKey, SelectorValue), new(SecondSelectorKey, SecondSelectorValue)]),
        BackendTestData.Service(policy, "plain"),
    ];
}
