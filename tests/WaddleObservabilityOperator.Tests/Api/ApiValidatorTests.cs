using System.Text.Json.Nodes;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Api.Validation;

namespace WaddleObservabilityOperator.Tests.Api;

public sealed class ApiValidatorTests
{
    internal const string Service = """
        {
          "apiVersion": "observability.waddlebot.io/v1alpha1",
          "kind": "WaddleService",
          "metadata": {"name": "router", "namespace": "waddlebot", "labels": {"app.kubernetes.io/name": "router"}},
          "spec": {
            "layer": "processing",
            "version": "1.0.0",
            "serviceName": "router",
            "policyRef": {"name": "waddlebot"},
            "workload": {"kind": "Deployment", "name": "router", "containers": ["router", "sidecar"]},
            "metrics": {"enabled": true, "port": "http-metrics", "path": "/metrics", "interval": "", "selector": {"app.kubernetes.io/name": "router"}},
            "tracing": {"enabled": true, "samplingRatio": 1.0, "operations": [{"operation": "POST /events", "ratio": 1.0}, {"operation": "GET /health", "ratio": 0.05}]}
          },
          "status": {
            "observedGeneration": 3,
            "policy": "waddlebot",
            "conditions": [{"type": "Ready", "status": "True", "reason": "Reconciled", "message": "", "lastTransitionTime": "2026-11-25T03:00:00Z", "observedGeneration": 3}],
            "effective": {"serviceName": "router", "exporter": "otlp", "endpoint": "http://jaeger:4317", "samplingRatio": 1, "scrapeInterval": "15s"},
            "overriddenEnv": ["TRACING_SAMPLE_RATE"]
          }
        }
        """;

    internal const string Policy = """
        {
          "apiVersion": "observability.waddlebot.io/v1alpha1",
          "kind": "ObservabilityPolicy",
          "metadata": {"name": "waddlebot", "namespace": "waddlebot"},
          "spec": {
            "selector": {"matchLabels": {"waddlebot.io/system": "waddlebot"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}, {"key": "legacy", "operator": "DoesNotExist"}]},
            "layers": ["processing", "trigger", "action", "core", "admin"],
            "priority": 10,
            "resourceAttributes": {"deployment.environment": "production"},
            "tracing": {
              "enabled": true, "exporter": "otlp", "endpoint": "", "protocol": "grpc",
              "headersSecretRef": {"name": "otlp-headers", "key": "headers"},
              "propagators": ["tracecontext", "baggage"],
              "sampling": {"mode": "remote", "defaultRatio": 0.1, "pollingInterval": "60s", "operations": [{"operation": "GET /health", "ratio": 0.05}, {"operation": "GET /metrics", "ratio": 0.05}]}
            },
            "correlation": {"header": "X-Correlation-ID", "requestHeader": "X-Request-ID", "generateRequestId": true},
            "metrics": {"enabled": true, "namespace": "waddlebot", "scrapeInterval": "15s", "scrapeTimeout": "10s", "sampleLimit": 0, "serviceMonitor": {"mode": "auto", "labels": {"release": "prometheus"}}},
            "backends": {
              "jaeger": {"managed": true, "image": "jaegertracing/jaeger:2.11.0", "maxTraces": 10000, "resources": {"limits": {"cpu": "500m", "memory": "512Mi"}, "requests": {"cpu": 1}}},
              "prometheus": {"managed": true, "image": "prom/prometheus:v3.7.3", "retention": "30d", "storage": {"size": "20Gi"}, "externalLabels": {"environment": "production", "cluster": "waddlebot"}},
              "networkPolicy": true
            }
          }
        }
        """;

    [Fact]
    public void Complete_objects_are_valid()
    {
        Assert.Empty(ApiValidator.Validate(JsonNode.Parse(Service)!));
        Assert.Empty(ApiValidator.Validate(JsonNode.Parse(Policy)!));
    }

    [Theory]
    [InlineData("""{"apiVersion": "observability.waddlebot.io/v1alpha1", "kind": "ObservabilityPolicy", "metadata": {"name": "defaults"}}""")]
    [InlineData("""{"apiVersion": "observability.waddlebot.io/v1alpha1", "kind": "ObservabilityPolicy", "metadata": {"name": "p"}, "spec": {}}""")]
    [InlineData("""{"apiVersion": "observability.waddlebot.io/v1alpha1", "kind": "ObservabilityPolicy", "metadata": {"name": "p"}, "spec": {"tracing": null, "priority": -5}}""")]
    [InlineData("""{"apiVersion": "observability.waddlebot.io/v1alpha1", "kind": "WaddleService", "metadata": {"generateName": "svc-"}, "spec": {"layer": "core", "workload": {"name": "identity"}}}""")]
    [InlineData("""{"apiVersion": "observability.waddlebot.io/v1alpha1", "kind": "ObservabilityPolicy", "metadata": {"name": "p"}, "spec": {"tracing": {"sampling": {"defaultRatio": 0, "operations": [{"operation": "a", "ratio": 1}]}}, "metrics": {"scrapeInterval": "1m30s", "scrapeTimeout": "0"}}}""")]
    public void Minimal_and_edge_objects_are_valid(string json) => Assert.Empty(ApiValidator.Validate(JsonNode.Parse(json)!));

    [Fact]
    public void Typed_objects_are_validated_through_their_json()
    {
        var service = new WaddleService
        {
            Metadata = new V1ObjectMeta { Name = "ai", NamespaceProperty = "waddlebot" },
            Spec = new WaddleServiceSpec
            {
                Layer = ServiceLayer.Action,
                Workload = new WorkloadReference { Name = "ai" },
                Tracing = new ServiceTracing { SamplingRatio = 1.5 },
            },
        };
        Assert.Equal([new FieldError("spec.tracing.samplingRatio", "must be between 0 and 1, got 1.5")], ApiValidator.Validate(service));
        var policy = new ObservabilityPolicy { Metadata = new V1ObjectMeta { Name = "p" } };
        policy.Spec.Metrics = new MetricsPolicy { ScrapeInterval = "15 seconds" };
        Assert.Equal([new FieldError("spec.metrics.scrapeInterval", "must be a Prometheus duration such as 15s, 1m30s or 30d, got \"15 seconds\"")], ApiValidator.Validate(policy));
    }

    // Each row changes one field of a valid object (a JSON value, or REMOVE) and expects exactly one error there.
    public static TheoryData<string, string, string, string, string> InvalidFields() => new()
    {
        { "P", "spec.tracing.sampling.defaultRatio", "1.5", "spec.tracing.sampling.defaultRatio", "must be between 0 and 1, got 1.5" },
        { "P", "spec.tracing.sampling.defaultRatio", "-0.1", "spec.tracing.sampling.defaultRatio", "must be between 0 and 1, got -0.1" },
        { "P", "spec.tracing.sampling.defaultRatio", "\"0.5\"", "spec.tracing.sampling.defaultRatio", "must be a number, got string \"0.5\"" },
        { "P", "spec.tracing.sampling.operations.1.ratio", "2", "spec.tracing.sampling.operations[1].ratio", "must be between 0 and 1, got 2" },
        { "P", "spec.tracing.sampling.operations.1.operation", "\"GET /health\"", "spec.tracing.sampling.operations[1]", "duplicate of [0] (operation \"GET /health\")" },
        { "P", "spec.tracing.sampling.operations.0.ratio", "REMOVE", "spec.tracing.sampling.operations[0].ratio", "is required" },
        { "P", "spec.tracing.exporter", "\"otlp2\"", "spec.tracing.exporter", "must be one of otlp, jaeger, zipkin, console, none; got \"otlp2\"" },
        { "P", "spec.tracing.protocol", "\"http\"", "spec.tracing.protocol", "must be one of grpc, http/protobuf; got \"http\"" },
        { "P", "spec.tracing.sampling.sampleRate", "0.5", "spec.tracing.sampling.sampleRate", "unknown field (known: defaultRatio, mode, operations, pollingInterval, sdkRemote)" },
        { "P", "spce", "{}", "spce", "unknown field (known: apiVersion, kind, metadata, spec, status)" },
        { "P", "spec.metrics.scrapeInterval", "\"5x\"", "spec.metrics.scrapeInterval", "must be a Prometheus duration such as 15s, 1m30s or 30d, got \"5x\"" },
        { "P", "spec.metrics.scrapeInterval", "\"1.5s\"", "spec.metrics.scrapeInterval", "must be a Prometheus duration such as 15s, 1m30s or 30d, got \"1.5s\"" },
        { "P", "spec.metrics.scrapeTimeout", "\"10s\\n\"", "spec.metrics.scrapeTimeout", "must be a Prometheus duration such as 15s, 1m30s or 30d, got \"10s\n\"" },
        { "P", "spec.metrics.scrapeInterval", "15", "spec.metrics.scrapeInterval", "must be a string, got number 15 (quote it in YAML)" },
        { "P", "spec.metrics.sampleLimit", "-1", "spec.metrics.sampleLimit", "must be at least 0, got -1" },
        { "P", "spec.metrics.namespace", "\"waddle-bot\"", "spec.metrics.namespace", "must match ^[a-zA-Z_][a-zA-Z0-9_]*$, got \"waddle-bot\"" },
        { "P", "spec.metrics.serviceMonitor.mode", "\"always\"", "spec.metrics.serviceMonitor.mode", "must be one of auto, enabled, disabled; got \"always\"" },
        { "P", "spec.metrics.serviceMonitor.labels", "{\"release\": \"has space\"}", "spec.metrics.serviceMonitor.labels[release]", "label value \"has space\" must be empty or consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric" },
        { "P", "spec.priority", "\"high\"", "spec.priority", "must be an integer, got string \"high\"" },
        { "P", "spec.priority", "1.5", "spec.priority", "must be an integer, got 1.5" },
        { "P", "spec.priority", "4294967296", "spec.priority", "must fit in 32 bits, got 4294967296" },
        { "P", "spec.layers", "[\"core\", \"core\"]", "spec.layers[1]", "duplicate of [0] (\"core\")" },
        { "P", "spec.layers", "\"core\"", "spec.layers", "must be a list, got string \"core\"" },
        { "P", "spec.layers.0", "\"frontend\"", "spec.layers[0]", "must be one of processing, trigger, action, core, admin; got \"frontend\"" },
        { "P", "spec.tracing", "\"yes\"", "spec.tracing", "must be an object, got string \"yes\"" },
        { "P", "spec.tracing.enabled", "\"true\"", "spec.tracing.enabled", "must be true or false, got string \"true\"" },
        { "P", "spec.tracing.headersSecretRef.key", "REMOVE", "spec.tracing.headersSecretRef.key", "is required" },
        { "P", "spec.tracing.headersSecretRef.name", "\"OTLP headers\"", "spec.tracing.headersSecretRef.name", "must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$, got \"OTLP headers\"" },
        { "P", "spec.correlation.header", "\"X Correlation\"", "spec.correlation.header", "must match ^[A-Za-z0-9!#$%&'*+.^_`|~-]+$, got \"X Correlation\"" },
        { "P", "spec.backends.jaeger.maxTraces", "0", "spec.backends.jaeger.maxTraces", "must be between 1 and 10000000, got 0" },
        { "P", "spec.backends.jaeger.resources.limits.cpu", "\"1 core\"", "spec.backends.jaeger.resources.limits[cpu]", "must be a quantity such as 500m, 128Mi or 2, got \"1 core\"" },
        { "P", "spec.backends.jaeger.resources.limits.memory", "1.5", "spec.backends.jaeger.resources.limits[memory]", "must be an integer or a string, got number 1.5" },
        { "P", "spec.backends.prometheus.retention", "\"30 days\"", "spec.backends.prometheus.retention", "must be a Prometheus duration such as 15s, 1m30s or 30d, got \"30 days\"" },
        { "P", "spec.backends.prometheus.storage.size", "\"20GB\"", "spec.backends.prometheus.storage.size", "must match ^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$, got \"20GB\"" },
        { "P", "spec.selector.matchExpressions.0.operator", "\"Equals\"", "spec.selector.matchExpressions[0].operator", "must be one of In, NotIn, Exists, DoesNotExist; got \"Equals\"" },
        { "P", "spec.selector.matchExpressions.0.values", "[]", "spec.selector.matchExpressions[0].values", "must have at least one value when operator is In" },
        { "P", "spec.selector.matchExpressions.0.values", "REMOVE", "spec.selector.matchExpressions[0].values", "must have at least one value when operator is In" },
        { "P", "spec.selector.matchExpressions.1.values", "[\"x\"]", "spec.selector.matchExpressions[1].values", "must be empty when operator is DoesNotExist" },
        { "P", "spec.selector.matchExpressions.1.key", "\"-legacy\"", "spec.selector.matchExpressions[1].key", "label key \"-legacy\": the name part must consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric" },
        { "P", "spec.selector.matchExpressions.1.operator", "REMOVE", "spec.selector.matchExpressions[1].operator", "is required" },
        { "P", "spec.selector.matchExpressions.0.values.1", "\"b c\"", "spec.selector.matchExpressions[0].values[1]", "label value \"b c\" must be empty or consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric" },
        { "P", "spec.selector.matchLabels", "{\"Waddlebot.IO/system\": \"x\"}", "spec.selector.matchLabels[Waddlebot.IO/system]", "label key \"Waddlebot.IO/system\": prefix \"Waddlebot.IO\" must be a lowercase DNS-1123 subdomain (lowercase alphanumerics, '-' and '.', starting and ending with an alphanumeric)" },
        { "P", "spec.selector.matchLabels", "{\"app/\": \"x\"}", "spec.selector.matchLabels[app/]", "label key \"app/\": the name part must not be empty" },
        { "P", "metadata.name", "\"WaddleBot\"", "metadata.name", "\"WaddleBot\" must be a lowercase DNS-1123 subdomain (lowercase alphanumerics, '-' and '.', starting and ending with an alphanumeric)" },
        { "P", "metadata.name", "REMOVE", "metadata.name", "is required" },
        { "P", "metadata.namespace", "\"waddle.bot\"", "metadata.namespace", "\"waddle.bot\" must be a lowercase DNS-1123 label (lowercase alphanumerics and '-', starting and ending with an alphanumeric)" },
        { "P", "metadata.labels", "{\"tier\": 1}", "metadata.labels[tier]", "must be a string, got 1 (quote it in YAML)" },
        { "P", "metadata", "REMOVE", "metadata", "is required" },
        { "P", "apiVersion", "\"observability.waddlebot.io/v1\"", "apiVersion", "must be observability.waddlebot.io/v1alpha1 for ObservabilityPolicy, got \"observability.waddlebot.io/v1\"" },
        { "P", "kind", "\"Policy\"", "kind", "must be one of WaddleService, ObservabilityPolicy; got \"Policy\"" },
        { "P", "kind", "REMOVE", "kind", "is required" },
        { "S", "spec", "REMOVE", "spec", "is required" },
        { "S", "spec.layer", "REMOVE", "spec.layer", "is required" },
        { "S", "spec.layer", "null", "spec.layer", "is required" },
        { "S", "spec.layer", "\"Processing\"", "spec.layer", "must be one of processing, trigger, action, core, admin; got \"Processing\"" },
        { "S", "spec.workload.name", "REMOVE", "spec.workload.name", "is required" },
        { "S", "spec.workload.name", "\"Router_1\"", "spec.workload.name", "must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$, got \"Router_1\"" },
        { "S", "spec.workload.containers.0", "\"App Container\"", "spec.workload.containers[0]", "must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$, got \"App Container\"" },
        { "S", "spec.workload.kind", "\"CronJob\"", "spec.workload.kind", "must be one of Deployment, StatefulSet, DaemonSet; got \"CronJob\"" },
        { "S", "spec.workload.containers.1", "null", "spec.workload.containers[1]", "must not be null" },
        { "S", "spec.workload.containers", "[\"router\", \"router\"]", "spec.workload.containers[1]", "duplicate of [0] (\"router\")" },
        { "S", "spec.version", "1.0", "spec.version", "must be a string, got number 1.0 (quote it in YAML)" },
        { "S", "spec.metrics.path", "\"metrics\"", "spec.metrics.path", "must match ^/, got \"metrics\"" },
        { "S", "spec.metrics.port", "\"a-port-name-that-is-far-too-long-to-be-a-port-name-in-kubernetes-x\"", "spec.metrics.port", "must be 1 to 63 characters, got 66" },
        { "S", "spec.metrics.interval", "\"30\"", "spec.metrics.interval", "must be a Prometheus duration such as 15s, 1m30s or 30d, got \"30\"" },
        { "S", "spec.metrics.selector", "{\"app.kubernetes.io/name\": \"router/v2\"}", "spec.metrics.selector[app.kubernetes.io/name]", "label value \"router/v2\" must be empty or consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric" },
        { "S", "spec.tracing.samplingRatio", "1.01", "spec.tracing.samplingRatio", "must be between 0 and 1, got 1.01" },
        { "S", "spec.slos", "[{\"name\": \"availability\", \"objective\": 100}]", "spec.slos[0].objective", "must be strictly between 0 and 100, got 100" },
        { "S", "spec.slos", "[{\"name\": \"availability\", \"objective\": 0}]", "spec.slos[0].objective", "must be strictly between 0 and 100, got 0" },
        { "S", "spec.slos", "[{\"name\": \"availability\", \"objective\": 99.9, \"window\": \"7d\"}]", "spec.slos[0].window", "must be one of 30d, 28d; got \"7d\"" },
        { "S", "spec.slos", "[{\"name\": \"Availability\", \"objective\": 99.9}]", "spec.slos[0].name", "must match ^[a-z]([-a-z0-9]*[a-z0-9])?$, got \"Availability\"" },
        { "S", "spec.slos", "[{\"name\": \"latency\", \"objective\": 99, \"sli\": {\"latency\": {\"threshold\": \"quick\"}}}]", "spec.slos[0].sli.latency.threshold", "must be a Prometheus duration such as 15s, 1m30s or 30d, got \"quick\"" },
        { "S", "spec.tracing.operations.0.operation", "\"\"", "spec.tracing.operations[0].operation", "must not be empty" },
        { "S", "spec.policyRef", "{}", "spec.policyRef.name", "is required" },
        { "S", "status.conditions.0.status", "\"Maybe\"", "status.conditions[0].status", "must be one of True, False, Unknown; got \"Maybe\"" },
        { "S", "status.conditions.0.reason", "REMOVE", "status.conditions[0].reason", "is required" },
        { "S", "status.conditions.0.reason", "\"not ok\"", "status.conditions[0].reason", "must match ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$, got \"not ok\"" },
        { "S", "status.conditions.0.lastTransitionTime", "\"yesterday\"", "status.conditions[0].lastTransitionTime", "must be an RFC 3339 date-time such as 2026-01-02T15:04:05Z, got \"yesterday\"" },
        { "S", "status.conditions.0.observedGeneration", "-1", "status.conditions[0].observedGeneration", "must be at least 0, got -1" },
        { "S", "status.effective.samplingRatio", "\"all\"", "status.effective.samplingRatio", "must be a number, got string \"all\"" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public void An_invalid_field_gives_one_error_naming_it(string kind, string field, string value, string path, string message)
    {
        var obj = JsonNode.Parse(kind == "S" ? Service : Policy)!;
        Set(obj, field, value);
        Assert.Equal([new FieldError(path, message)], ApiValidator.Validate(obj));
    }

    [Fact]
    public void Errors_are_all_reported_in_document_order_and_read_as_path_colon_message()
    {
        var obj = JsonNode.Parse(Policy)!;
        Set(obj, "spec.tracing.sampling.defaultRatio", "1.5");
        Set(obj, "spec.metrics.scrapeInterval", "\"5x\"");
        Set(obj, "spec.tracing.exporter", "\"otel\"");
        Assert.Equal(
            [
                "spec.tracing.exporter: must be one of otlp, jaeger, zipkin, console, none; got \"otel\"",
                "spec.tracing.sampling.defaultRatio: must be between 0 and 1, got 1.5",
                "spec.metrics.scrapeInterval: must be a Prometheus duration such as 15s, 1m30s or 30d, got \"5x\"",
            ],
            ApiValidator.Validate(obj).Select(e => e.ToString()));
    }

    [Fact]
    public void Item_count_and_duplicates_are_both_reported()
    {
        var obj = JsonNode.Parse(Policy)!;
        Set(obj, "spec.tracing.propagators", "[\"tracecontext\",\"baggage\",\"b3\",\"b3multi\",\"jaeger\",\"xray\",\"ottrace\",\"none\",\"tracecontext\"]");
        Assert.Equal(
            [
                new FieldError("spec.tracing.propagators", "must have at most 8 items, got 9"),
                new FieldError("spec.tracing.propagators[8]", "duplicate of [0] (\"tracecontext\")"),
            ],
            ApiValidator.Validate(obj));
    }

    [Fact]
    public void Non_objects_are_rejected() =>
        Assert.Equal([new FieldError("", "must be an object, got array")], ApiValidator.Validate(JsonNode.Parse("[]")!));

    [Fact]
    public void Numbers_built_in_code_validate_like_parsed_ones()
    {
        var obj = JsonNode.Parse(Policy)!;
        obj["spec"]!["tracing"]!["sampling"]!["defaultRatio"] = JsonValue.Create(1.5m);
        obj["spec"]!["priority"] = JsonValue.Create(7);
        Assert.Equal([new FieldError("spec.tracing.sampling.defaultRatio", "must be between 0 and 1, got 1.5")], ApiValidator.Validate(obj));
    }

    // Path segments: object keys, or list indexes; the value is JSON text, or REMOVE to delete the field.
    internal static void Set(JsonNode root, string path, string value)
    {
        var parts = path.Split('.');
        var parent = root;
        foreach (var part in parts[..^1])
        {
            parent = int.TryParse(part, out var index) ? parent[index]! : parent[part]!;
        }

        var last = parts[^1];
        if (value == "REMOVE")
        {
            if (parent is JsonObject o)
            {
                o.Remove(last);
            }
            else
            {
                parent.AsArray().RemoveAt(int.Parse(last));
            }

            return;
        }

        var node = JsonNode.Parse(value);
        if (int.TryParse(last, out var i))
        {
            parent[i] = node;
        }
        else
        {
            parent[last] = node;
        }
    }
}
