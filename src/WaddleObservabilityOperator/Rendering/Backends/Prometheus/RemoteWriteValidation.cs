using System.Globalization;
using System.Text.RegularExpressions;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// What Prometheus would refuse in <c>spec.backends.prometheus.remoteWrite</c>, and what is ambiguous: each finding names
/// the field. Prometheus refuses a whole prometheus.yml for one bad block, so every rule it applies when loading
/// remote_write is checked here first.
/// </summary>
internal static partial class RemoteWriteValidation
{
    /// <summary>The headers Prometheus sets itself and refuses in remote_write.headers (config.reservedHeaders).</summary>
    private static readonly HashSet<string> ReservedHeaders = new(
        [
            "Authorization", "Host", "Content-Encoding", "Content-Length", "Content-Type", "User-Agent", "Connection",
            "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Www-Authenticate", "Accept-Encoding",
            "X-Prometheus-Remote-Write-Version", "X-Prometheus-Remote-Read-Version", "X-Amz-Date", "X-Amz-Security-Token",
            "X-Amz-Content-Sha256",
        ],
        StringComparer.OrdinalIgnoreCase);

    public static void Check(IReadOnlyList<RemoteWriteSpec> remoteWrites, List<string> problems)
    {
        for (var i = 0; i < remoteWrites.Count; i++)
        {
            CheckOne(remoteWrites[i], $"spec.backends.prometheus.remoteWrite[{i.ToString(CultureInfo.InvariantCulture)}]", problems);
        }

        foreach (var duplicate in remoteWrites.Where(r => !string.IsNullOrEmpty(r.Name)).GroupBy(r => r.Name!, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"spec.backends.prometheus.remoteWrite: the name \"{duplicate.Key}\" is used {duplicate.Count().ToString(CultureInfo.InvariantCulture)} times; Prometheus needs each remote write name once.");
        }
    }

    private static void CheckOne(RemoteWriteSpec spec, string field, List<string> problems)
    {
        if (!Uri.TryCreate(spec.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.Host.Length == 0)
        {
            problems.Add($"{field}.url: \"{spec.Url}\" is not an absolute http or https URL.");
        }

        if (spec.BasicAuth is not null && spec.Authorization is not null)
        {
            problems.Add($"{field}: basicAuth and authorization are both set; Prometheus sends one Authorization header, so choose one.");
        }

        if (spec.BasicAuth is { } basic)
        {
            if (string.IsNullOrEmpty(basic.Username))
            {
                problems.Add($"{field}.basicAuth.username must not be empty.");
            }

            ExporterValidation.CheckSecret(problems, basic.Password, $"{field}.basicAuth.password");
        }

        if (spec.Authorization is { } authorization)
        {
            if (string.Equals(authorization.Type, "basic", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{field}.authorization.type: Basic is refused by Prometheus; use basicAuth.");
            }

            ExporterValidation.CheckSecret(problems, authorization.Credentials, $"{field}.authorization.credentials");
        }

        foreach (var (name, value) in spec.Headers ?? new Dictionary<string, string>())
        {
            if (!HeaderName().IsMatch(name))
            {
                problems.Add($"{field}.headers: \"{name}\" is not an HTTP header name.");
            }
            else if (ReservedHeaders.Contains(name))
            {
                problems.Add($"{field}.headers: Prometheus sets \"{name}\" itself and refuses it here (credentials belong in basicAuth or authorization).");
            }

            if (value.Any(char.IsControl))
            {
                problems.Add($"{field}.headers.{name}: the value holds a control character (a line break?).");
            }
        }

        CheckOptionalDuration(problems, spec.RemoteTimeout, $"{field}.remoteTimeout");
        if (spec.QueueConfig is { } queue)
        {
            CheckOptionalDuration(problems, queue.BatchSendDeadline, $"{field}.queueConfig.batchSendDeadline");
            CheckOptionalDuration(problems, queue.MinBackoff, $"{field}.queueConfig.minBackoff");
            CheckOptionalDuration(problems, queue.MaxBackoff, $"{field}.queueConfig.maxBackoff");
            if (queue.MinShards is { } min && queue.MaxShards is { } max && min > max)
            {
                problems.Add($"{field}.queueConfig: minShards {min.ToString(CultureInfo.InvariantCulture)} is more than maxShards {max.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        var rules = spec.WriteRelabelConfigs ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            CheckRelabel(rules[i], $"{field}.writeRelabelConfigs[{i.ToString(CultureInfo.InvariantCulture)}]", problems);
        }
    }

    /// <summary>The checks Prometheus's relabel.Config applies when it loads a rule (2.42 and 3.x alike).</summary>
    private static void CheckRelabel(WriteRelabelConfig rule, string field, List<string> problems)
    {
        var action = rule.Action ?? RelabelAction.Replace;
        var name = PrometheusConfigDocument.RelabelActionName(action);
        if (rule.Regex is { } regex && PrometheusSyntax.RegexProblem(regex) is { } regexProblem)
        {
            problems.Add($"{field}.regex: \"{regex}\" {regexProblem}.");
        }

        foreach (var source in rule.SourceLabels ?? [])
        {
            if (!PrometheusSyntax.IsValidLabelName(source))
            {
                problems.Add($"{field}.sourceLabels: \"{source}\" is not a Prometheus label name.");
            }
        }

        var needsTarget = action is RelabelAction.Replace or RelabelAction.HashMod or RelabelAction.Lowercase or RelabelAction.Uppercase
            or RelabelAction.KeepEqual or RelabelAction.DropEqual;
        if (needsTarget && string.IsNullOrEmpty(rule.TargetLabel))
        {
            problems.Add($"{field}: action {name} needs targetLabel.");
        }
        else if (rule.TargetLabel is { Length: > 0 } target)
        {
            // A replace rule may build its target from regex groups ($1, ${name}); the others name a label.
            var valid = action == RelabelAction.Replace ? ReplaceTarget().IsMatch(target) : PrometheusSyntax.IsValidLabelName(target);
            if (!valid)
            {
                problems.Add($"{field}.targetLabel: \"{target}\" is not a label name{(action == RelabelAction.Replace ? " (or one built from $1, ${name} groups)" : "")}.");
            }
        }

        if (action == RelabelAction.HashMod && rule.Modulus is null)
        {
            problems.Add($"{field}: action hashmod needs modulus.");
        }

        if (action is RelabelAction.LabelDrop or RelabelAction.LabelKeep
            && (rule.SourceLabels is { Count: > 0 } || !string.IsNullOrEmpty(rule.TargetLabel) || rule.Modulus is not null || IsSet(rule.Separator, ";") || IsSet(rule.Replacement, "$1")))
        {
            problems.Add($"{field}: action {name} takes regex only (no sourceLabels, targetLabel, modulus, separator or replacement).");
        }

        if (action is RelabelAction.KeepEqual or RelabelAction.DropEqual
            && (IsSet(rule.Regex, "(.*)") || rule.Modulus is not null || IsSet(rule.Separator, ";") || IsSet(rule.Replacement, "$1")))
        {
            problems.Add($"{field}: action {name} takes sourceLabels and targetLabel only (no regex, modulus, separator or replacement).");
        }
    }

    private static bool IsSet(string? value, string defaultValue) => value is not null && value != defaultValue;

    private static void CheckOptionalDuration(List<string> problems, string? value, string field)
    {
        if (value is not null)
        {
            BackendValidation.CheckDuration(problems, value, field);
        }
    }

    // RFC 9110 token.
    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderName();

    // Prometheus's relabelTarget: a label name in which $1, ${1} or ${name} may stand for regex groups.
    [GeneratedRegex(@"^(?:(?:[a-zA-Z_]|\$(?:\{[a-zA-Z0-9_]+\}|[a-zA-Z0-9_]+))+[a-zA-Z0-9_]*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex ReplaceTarget();
}
