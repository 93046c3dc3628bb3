using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WaddleObservabilityOperator.Tests.RealPrograms;

namespace WaddleObservabilityOperator.Tests.SdkProof;

/// <summary>One exported span with the resource it came from (OTLP's Resource attributes, string values only).</summary>
internal sealed record ExportedSpan(string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Resource)
{
    public const int ServerKind = 2;
}

/// <summary>
/// An OTLP/HTTP trace receiver (<c>POST /v1/traces</c>, <c>application/x-protobuf</c>) on a free port of 127.0.0.1,
/// decoding with Google.Protobuf's <see cref="CodedInputStream"/> only the fields the tests read, by their numbers in
/// opentelemetry-proto: ExportTraceServiceRequest.resource_spans (1); ResourceSpans.resource (1), scope_spans (2);
/// Resource.attributes (1); KeyValue.key (1), value (2); AnyValue.string_value (1); ScopeSpans.spans (2);
/// Span.trace_id (1), span_id (2), parent_span_id (4), name (5), kind (6). Every other field is skipped.
/// </summary>
internal sealed class OtlpTraceReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ExportedSpan> _spans = new();
    private readonly ConcurrentQueue<string> _authorizations = new();

    private OtlpTraceReceiver(WebApplication app, int port)
    {
        _app = app;
        Endpoint = $"http://127.0.0.1:{port}";
    }

    /// <summary>The base endpoint (OTEL_EXPORTER_OTLP_ENDPOINT); the exporter posts to <c>/v1/traces</c> under it.</summary>
    public string Endpoint { get; }

    public IReadOnlyList<ExportedSpan> Spans => [.. _spans];

    /// <summary>The Authorization header of each export request (from OTEL_EXPORTER_OTLP_HEADERS).</summary>
    public IReadOnlyList<string> Authorizations => [.. _authorizations];

    public static async Task<OtlpTraceReceiver> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = LocalProcess.FreePort();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
            var app = builder.Build();
            var receiver = new OtlpTraceReceiver(app, port);
            app.MapPost("/v1/traces", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                receiver._authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
                foreach (var span in Decode(body.ToArray()))
                {
                    receiver._spans.Enqueue(span);
                }

                // An empty ExportTraceServiceResponse: everything accepted.
                return Results.Bytes([], "application/x-protobuf");
            });
            try
            {
                await app.StartAsync();
                return receiver;
            }
            catch (IOException) when (attempt < 3)
            {
                await app.DisposeAsync();
            }
        }
    }

    /// <summary>Decodes an ExportTraceServiceRequest.</summary>
    public static IReadOnlyList<ExportedSpan> Decode(byte[] request)
    {
        var spans = new List<ExportedSpan>();
        foreach (var resourceSpans in Fields(request, 1))
        {
            var resource = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var resourceMessage in Fields(resourceSpans, 1))
            {
                foreach (var keyValue in Fields(resourceMessage, 1))
                {
                    var key = Fields(keyValue, 1).Select(b => System.Text.Encoding.UTF8.GetString(b)).Single();
                    var value = Fields(keyValue, 2).SelectMany(any => Fields(any, 1)).Select(b => System.Text.Encoding.UTF8.GetString(b)).SingleOrDefault();
                    resource[key] = value ?? "<not a string>";
                }
            }

            foreach (var scopeSpans in Fields(resourceSpans, 2))
            {
                foreach (var span in Fields(scopeSpans, 2))
                {
                    spans.Add(ReadSpan(span, resource));
                }
            }
        }

        return spans;
    }

    private static ExportedSpan ReadSpan(byte[] span, IReadOnlyDictionary<string, string> resource)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var input = new CodedInputStream(span);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    traceId = Convert.ToHexStringLower(input.ReadBytes().ToByteArray());
                    break;
                case 2:
                    spanId = Convert.ToHexStringLower(input.ReadBytes().ToByteArray());
                    break;
                case 4:
                    parent = Convert.ToHexStringLower(input.ReadBytes().ToByteArray());
                    break;
                case 5:
                    name = input.ReadString();
                    break;
                case 6:
                    kind = input.ReadEnum();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return new ExportedSpan(traceId, spanId, parent, name, kind, resource);
    }

    /// <summary>The payloads of every length-delimited field numbered <paramref name="number"/> of a message.</summary>
    private static List<byte[]> Fields(byte[] message, int number)
    {
        var found = new List<byte[]>();
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                found.Add(input.ReadBytes().ToByteArray());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return found;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
