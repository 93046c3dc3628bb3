using System.Globalization;

namespace WaddleObservabilityOperator.Cli;

public enum OutputFormat
{
    Yaml,
    Json,
}

/// <summary>The command line of <c>render</c>.</summary>
public sealed record RenderOptions(IReadOnlyList<string> Paths, OutputFormat Format, bool ServiceMonitorsInstalled, DateTime Now, bool Help)
{
    /// <summary>The default lastTransitionTime of conditions: fixed, so the same input always prints the same output.</summary>
    public static readonly DateTime DefaultNow = DateTime.UnixEpoch;

    public const string Usage = """
        usage: WaddleObservabilityOperator render PATH... [-o yaml|json] [--no-servicemonitors]

        Reads manifests (files, folders searched recursively for *.yaml, *.yml and *.json, or - for standard input;
        multi-document YAML, v1 Lists such as the output of kubectl get -o yaml)
        holding ObservabilityPolicy, WaddleService, Deployment, StatefulSet, DaemonSet, Service and Namespace objects,
        and prints every object the operator would create or change (workloads with the environment injected),
        followed by each WaddleService and ObservabilityPolicy with the status the operator would report.

        options:
          -o, --output FORMAT     yaml (default): one multi-document YAML stream; json: a v1 List
          --no-servicemonitors    render as if prometheus-operator's ServiceMonitor and PrometheusRule APIs were not installed
          --now TIME              lastTransitionTime of new conditions, RFC 3339 (default 1970-01-01T00:00:00Z, so that
                                  the same input always prints the same output); a status in the input keeps its times
          -h, --help              show this help

        Exit codes: 0 rendered, 1 invalid input (every error is listed on stderr, nothing on stdout), 2 usage error.
        """;

    /// <summary>Parses arguments; returns null and sets <paramref name="error"/> when they are wrong.</summary>
    public static RenderOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var paths = new List<string>();
        var format = OutputFormat.Yaml;
        var serviceMonitors = true;
        var onlyPaths = false;
        var now = DefaultNow;
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (onlyPaths || !arg.StartsWith('-') || arg == "-")
            {
                paths.Add(arg);
                continue;
            }

            switch (arg)
            {
                case "--":
                    onlyPaths = true;
                    break;
                case "-h" or "--help":
                    return new RenderOptions(paths, format, serviceMonitors, now, Help: true);
                case "--no-servicemonitors":
                    serviceMonitors = false;
                    break;
                case "--now":
                    if (i + 1 >= args.Count || !DateTime.TryParse(args[i + 1], CultureInfo.InvariantCulture,
                            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out now))
                    {
                        error = "--now needs an RFC 3339 time such as 2025-01-31T12:00:00Z";
                        return null;
                    }

                    i++;
                    break;
                case "-o" or "--output":
                    if (i + 1 >= args.Count)
                    {
                        error = $"{arg} needs a value: yaml or json";
                        return null;
                    }

                    if (ParseFormat(args[++i], out error) is not { } next)
                    {
                        return null;
                    }

                    format = next;
                    break;
                case var _ when arg.StartsWith("--output=", StringComparison.Ordinal) || arg.StartsWith("-o=", StringComparison.Ordinal):
                    if (ParseFormat(arg[(arg.IndexOf('=', StringComparison.Ordinal) + 1)..], out error) is not { } inline)
                    {
                        return null;
                    }

                    format = inline;
                    break;
                default:
                    error = $"unknown option {arg}";
                    return null;
            }
        }

        if (paths.Count == 0)
        {
            error = "no PATH given: name the manifest files or folders to render";
            return null;
        }

        return new RenderOptions(paths, format, serviceMonitors, now, Help: false);
    }

    private static OutputFormat? ParseFormat(string value, out string? error)
    {
        error = null;
        switch (value)
        {
            case "yaml":
                return OutputFormat.Yaml;
            case "json":
                return OutputFormat.Json;
            default:
                error = $"unknown output format '{value}': use yaml or json";
                return null;
        }
    }
}
