using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace WaddleObservabilityOperator.Telemetry;

/// <summary>
/// One JSON object per line with the message template's properties at the top level and trace_id/span_id taken from
/// Activity.Current, so a log line leads to its trace. The built-in JSON formatter only nests trace ids in a scope list.
/// </summary>
public sealed class JsonLogFormatter(TimeProvider clock) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "waddle-json";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(logEntry.LogLevel));
            json.WriteString("logger", logEntry.Category);
            json.WriteString("msg", message ?? "");
            if (logEntry.EventId.Id != 0)
            {
                json.WriteNumber("event_id", logEntry.EventId.Id);
            }

            if (Activity.Current is { } activity)
            {
                json.WriteString("trace_id", activity.TraceId.ToHexString());
                json.WriteString("span_id", activity.SpanId.ToHexString());
            }

            var written = new HashSet<string>(StringComparer.Ordinal) { "time", "level", "logger", "msg", "trace_id", "span_id", "event_id" };
            WriteProperties(json, logEntry.State, written);
            scopeProvider?.ForEachScope((scope, state) => WriteProperties(state.json, scope, state.written), (json, written));

            if (logEntry.Exception is not null)
            {
                json.WriteString("error", logEntry.Exception.ToString());
            }

            json.WriteEndObject();
        }

        textWriter.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        textWriter.Write(Environment.NewLine);
    }

    private static void WriteProperties(Utf8JsonWriter json, object? state, HashSet<string> written)
    {
        if (state is not IEnumerable<KeyValuePair<string, object?>> properties)
        {
            return;
        }

        foreach (var (key, value) in properties)
        {
            // {OriginalFormat} is the template itself; the first writer of a name wins so a scope cannot shadow the message's own value.
            if (key == "{OriginalFormat}" || !written.Add(key))
            {
                continue;
            }

            switch (value)
            {
                case null:
                    json.WriteNull(key);
                    break;
                case bool b:
                    json.WriteBoolean(key, b);
                    break;
                case int or long or short or uint or ulong:
                    json.WriteNumber(key, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case double or float or decimal:
                    json.WriteNumber(key, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "fatal",
        _ => "none",
    };
}

/// <summary>How the operator writes its logs.</summary>
public enum LogFormat
{
    Json,
    Text,
}

/// <summary>Console logging for the operator: JSON lines with trace ids, or human text with the trace ids as a scope.</summary>
public static class OperatorLogging
{
    public static void Configure(ILoggingBuilder logging, LogFormat format, LogLevel minimumLevel)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(minimumLevel);
        // ASP.NET Core's own request logs are noise for an operator's probe endpoints.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        if (format == LogFormat.Json)
        {
            logging.AddConsole(o => o.FormatterName = JsonLogFormatter.FormatterName);
            // AddConsoleFormatter would also bind the formatter's options from configuration (reflection, not AOT-safe);
            // this formatter has no options, so registering it is all it needs.
            logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, JsonLogFormatter>());
            logging.Services.TryAddSingleton(TimeProvider.System);
        }
        else
        {
            // The text formatter prints the trace ids as a scope; the JSON formatter reads Activity.Current itself.
            logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
            logging.AddSimpleConsole(o =>
            {
                o.IncludeScopes = true;
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });
        }
    }
}
