using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>
/// Jaeger v2's trace store configuration as its Go structs read it (mapstructure keys), written down from Jaeger's
/// sources, not from the renderer: cmd/internal/storageconfig/config.go (one store per backend),
/// internal/storage/elasticsearch/config/config.go (Configuration, Indices, IndexOptions, Authentication and its Validate),
/// internal/storage/cassandra/config/config.go (Configuration, Schema, Connection, BasicAuthenticator) and
/// internal/storage/v1/badger/config.go (Config, Directories, TTL and its Validate), with the OpenTelemetry Collector's
/// configtls.ClientConfig. An unknown key is an error for the collector's config decoder, so any key outside these fails
/// Jaeger at start.
/// </summary>
internal static partial class JaegerStorageSchema
{
    private static readonly string[] Tls =
    [
        "ca_file", "ca_pem", "cert_file", "cert_pem", "key_file", "key_pem", "include_system_ca_certs_pool", "min_version", "max_version",
        "cipher_suites", "reload_interval", "insecure", "insecure_skip_verify", "server_name_override", "curve_preferences",
    ];

    private static readonly Dictionary<string, string[]> Search = new(StringComparer.Ordinal)
    {
        [""] =
        [
            "server_urls", "remote_read_clusters", "auth", "tls", "sniffing", "disable_health_check", "send_get_body_as", "query_timeout",
            "http_compression", "bulk_processing", "version", "log_level", "indices", "use_aliases", "create_mappings", "use_ilm",
            "max_doc_count", "max_span_age", "service_cache_ttl", "adaptive_sampling_lookback", "tags_as_fields",
        ],
        ["indices"] = ["index_prefix", "spans", "services", "dependencies", "sampling"],
        ["indices.*"] = ["priority", "date_layout", "shards", "replicas", "rollover_frequency"],
        ["auth"] = ["basic", "bearer_token"],
        ["auth.basic"] = ["username", "password", "password_file"],
        ["tls"] = Tls,
    };

    private static readonly Dictionary<string, string[]> Cassandra = new(StringComparer.Ordinal)
    {
        // cassandra.Options squashes the Configuration and adds its own keys.
        [""] = ["schema", "connection", "query", "index", "span_store_write_cache_ttl"],
        ["schema"] = ["keyspace", "disable_compression", "create", "datacenter", "trace_ttl", "dependencies_ttl", "replication_factor", "compaction_window"],
        ["connection"] =
        [
            "servers", "local_dc", "port", "disable_auto_discovery", "connections_per_host", "reconnect_interval", "socket_keep_alive", "tls",
            "timeout", "auth", "proto_version",
        ],
        ["connection.auth"] = ["basic"],
        ["connection.auth.basic"] = ["username", "password", "allowed_authenticators"],
        ["connection.tls"] = Tls,
    };

    private static readonly Dictionary<string, string[]> Badger = new(StringComparer.Ordinal)
    {
        [""] = ["ttl", "directories", "ephemeral", "consistency", "maintenance_interval", "metrics_update_interval", "read_only"],
        ["ttl"] = ["spans"],
        ["directories"] = ["keys", "values"],
    };

    private static readonly Dictionary<string, string[]> Memory = new(StringComparer.Ordinal) { [""] = ["max_traces"] };

    /// <summary>What Jaeger would refuse in the store <paramref name="store"/> of type <paramref name="type"/>.</summary>
    public static List<string> Problems(string type, YamlMappingNode store)
    {
        var schema = type switch
        {
            "elasticsearch" or "opensearch" => Search,
            "cassandra" => Cassandra,
            "badger" => Badger,
            "memory" => Memory,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a Jaeger trace store"),
        };
        var problems = new List<string>();
        Walk(schema, store, "", problems);
        switch (type)
        {
            case "elasticsearch" or "opensearch":
                // Configuration.Validate: server_urls required and URLs; ILM only with aliases; ILM without index templates.
                var urls = Sequence(store, "server_urls");
                if (urls.Count == 0)
                {
                    problems.Add("server_urls: required");
                }

                problems.AddRange(urls.Where(u => !Uri.TryCreate(u, UriKind.Absolute, out _)).Select(u => $"server_urls: {u} is not a URL"));
                if (Flag(store, "use_ilm") && !Flag(store, "use_aliases"))
                {
                    problems.Add("use_ilm needs use_aliases");
                }

                if (Flag(store, "use_ilm") && Flag(store, "create_mappings"))
                {
                    problems.Add("use_ilm with create_mappings");
                }

                break;
            case "cassandra":
                if (Sequence(store.Has("connection") ? (YamlMappingNode)store["connection"] : new YamlMappingNode(), "servers").Count == 0)
                {
                    problems.Add("connection.servers: required");
                }

                break;
            case "badger":
                // Config.Validate: ttl.spans a positive duration (time.Duration, so Go's syntax: no days).
                var spans = store.Has("ttl") && ((YamlMappingNode)store["ttl"]).Has("spans") ? store.Text("ttl", "spans") : "";
                if (!GoDuration().IsMatch(spans) || !GoDurationNumbers().Matches(spans).Any(m => decimal.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture) > 0))
                {
                    problems.Add($"ttl.spans: {spans} is not a positive Go duration");
                }

                if (!store.Has("ephemeral") || store.Text("ephemeral") != "false")
                {
                    problems.Add("ephemeral: Jaeger's default true ignores the directories");
                }

                break;
        }

        return problems;
    }

    private static void Walk(Dictionary<string, string[]> schema, YamlMappingNode node, string path, List<string> problems)
    {
        var allowed = schema.GetValueOrDefault(path) ?? schema.GetValueOrDefault(Wildcard(path));
        foreach (var (keyNode, value) in node.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value!;
            var full = path.Length == 0 ? key : $"{path}.{key}";
            if (allowed is null || !allowed.Contains(key, StringComparer.Ordinal))
            {
                problems.Add($"{full}: not a key of Jaeger's configuration");
                continue;
            }

            if (value is YamlMappingNode child && (schema.ContainsKey(full) || schema.ContainsKey(Wildcard(full))))
            {
                Walk(schema, child, full, problems);
            }
        }
    }

    private static string Wildcard(string path) => path.Contains('.', StringComparison.Ordinal) ? path[..path.LastIndexOf('.')] + ".*" : path;

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        node.Has(key) && node[key] is YamlSequenceNode items ? [.. items.Children.Select(i => ((YamlScalarNode)i).Value!)] : [];

    private static bool Flag(YamlMappingNode node, string key) => node.Has(key) && node.Text(key) == "true";

    [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$", RegexOptions.CultureInvariant)]
    private static partial Regex GoDuration();

    [GeneratedRegex(@"[0-9]+(\.[0-9]+)?", RegexOptions.CultureInvariant)]
    private static partial Regex GoDurationNumbers();
}
