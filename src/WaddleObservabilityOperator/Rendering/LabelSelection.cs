using k8s.Models;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>
/// A metav1.LabelSelector checked once and then matched many times. Semantics as Kubernetes: every
/// matchLabels entry and every expression must hold; an empty selector matches everything.
/// </summary>
public sealed class LabelSelection
{
    private readonly KeyValuePair<string, string>[] _labels;
    private readonly (string Key, string Operator, HashSet<string> Values)[] _expressions;

    private LabelSelection(KeyValuePair<string, string>[] labels, (string, string, HashSet<string>)[] expressions)
    {
        _labels = labels;
        _expressions = expressions;
    }

    public static LabelSelection Everything { get; } = new([], []);

    /// <summary>Compiles a selector; an error names the bad expression (unknown operator, values where none belong or none where some must).</summary>
    public static LabelSelection Compile(V1LabelSelector? selector, out string? error)
    {
        error = null;
        if (selector is null)
        {
            return Everything;
        }

        var labels = selector.MatchLabels?.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToArray() ?? [];
        // The API server refuses such a selector wherever it is used (a ServiceMonitor's, a NetworkPolicy's), so it is an error here too.
        foreach (var (key, value) in labels)
        {
            if ((Api.Validation.LabelSyntax.KeyError(key) ?? Api.Validation.LabelSyntax.ValueError(value)) is { } syntax)
            {
                error = $"matchLabels[{key}]: {syntax}";
                return Everything;
            }
        }

        var expressions = new List<(string, string, HashSet<string>)>();
        foreach (var (expression, index) in (selector.MatchExpressions ?? []).Select((e, i) => (e, i)))
        {
            var values = expression.Values ?? [];
            var where = $"matchExpressions[{index}] (key {expression.Key})";
            if ((Api.Validation.LabelSyntax.KeyError(expression.Key) ?? values.Select(Api.Validation.LabelSyntax.ValueError).FirstOrDefault(e => e is not null)) is { } syntax)
            {
                error = $"{where}: {syntax}";
                return Everything;
            }

            switch (expression.OperatorProperty)
            {
                case "In" or "NotIn" when values.Count == 0:
                    error = $"{where}: operator {expression.OperatorProperty} needs at least one value";
                    return Everything;
                case "Exists" or "DoesNotExist" when values.Count != 0:
                    error = $"{where}: operator {expression.OperatorProperty} takes no values";
                    return Everything;
                case "In" or "NotIn" or "Exists" or "DoesNotExist":
                    expressions.Add((expression.Key, expression.OperatorProperty, new HashSet<string>(values, StringComparer.Ordinal)));
                    break;
                default:
                    error = $"{where}: unknown operator \"{expression.OperatorProperty}\" (In, NotIn, Exists, DoesNotExist)";
                    return Everything;
            }
        }

        return new LabelSelection(labels, [.. expressions]);
    }

    public bool Matches(IDictionary<string, string>? labels)
    {
        foreach (var (key, value) in _labels)
        {
            if (labels is null || !labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        foreach (var (key, op, values) in _expressions)
        {
            string? actual = null;
            var present = labels is not null && labels.TryGetValue(key, out actual);
            var holds = op switch
            {
                "In" => present && values.Contains(actual!),
                "NotIn" => !present || !values.Contains(actual!),
                "Exists" => present,
                _ => !present,
            };
            if (!holds)
            {
                return false;
            }
        }

        return true;
    }
}
