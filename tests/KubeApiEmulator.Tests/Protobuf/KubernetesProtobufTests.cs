using System.Text.Json.Nodes;
using Google.Protobuf;
using KubeApiEmulator.Protobuf;

namespace KubeApiEmulator.Tests.Protobuf;

/// <summary>Bodies encoded as client-go encodes them (k8s\0 + runtime.Unknown around the generated.proto message).</summary>
public sealed class KubernetesProtobufTests
{
    [Fact]
    public void A_helm_release_secret_decodes_to_its_json_form()
    {
        var meta = Message(
            (1, Text("sh.helm.release.v1.demo.v1")),
            (3, Text("default")),
            (7, Varint(3)),
            (8, Message((1, Varint(1_764_039_600)))),
            (11, Message((1, Text("owner")), (2, Text("helm")))),
            (11, Message((1, Text("status")), (2, Text("deployed")))),
            (13, Message((5, Text("v1")), (1, Text("ConfigMap")), (3, Text("o")), (4, Text("u1")), (6, Varint(1)))),
            (14, Text("a")),
            (14, Text("b")));
        var secret = Encode(
            (1, meta),
            (2, Message((1, Text("release")), (2, Bytes([1, 2, 255])))),
            (3, Text("helm.sh/release.v1")),
            (5, Varint(1)));

        var json = KubernetesProtobuf.Decode(Envelope("v1", "Secret", secret));

        var expected = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Secret",
             "metadata":{"name":"sh.helm.release.v1.demo.v1","namespace":"default","generation":3,"creationTimestamp":"2025-11-25T03:00:00Z",
               "labels":{"owner":"helm","status":"deployed"},
               "ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"o","uid":"u1","controller":true}],
               "finalizers":["a","b"]},
             "data":{"release":"AQL/"},"type":"helm.sh/release.v1","immutable":true}
            """);
        Assert.True(JsonNode.DeepEquals(expected, json), json.ToJsonString());
    }

    [Fact]
    public void Delete_options_and_config_maps_decode()
    {
        var options = KubernetesProtobuf.Decode(Envelope("v1", "DeleteOptions", Encode((4, Text("Background")), (2, Message((2, Text("7")))), (5, Text("All")))));
        var configMap = KubernetesProtobuf.Decode(Envelope("v1", "ConfigMap", Encode((1, Message((1, Text("c")))), (2, Message((1, Text("k")), (2, Text("v")))))));

        Assert.Equal("""{"propagationPolicy":"Background","preconditions":{"resourceVersion":"7"},"dryRun":["All"]}""", options.ToJsonString());
        Assert.Equal("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"v"}}""", configMap.ToJsonString());
    }

    [Fact]
    public void An_unknown_kind_is_named_and_a_body_without_the_magic_is_rejected()
    {
        var unknown = Assert.Throws<NotSupportedException>(() => KubernetesProtobuf.Decode(Envelope("apps/v1", "DaemonSet", Encode((1, Message((1, Text("d"))))))));
        Assert.Contains("apps/v1, Kind=DaemonSet", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => KubernetesProtobuf.Decode("{}"u8));
        Assert.Throws<InvalidDataException>(() => KubernetesProtobuf.Decode([.. "k8s\0"u8, 0x0a, 0x7f]));
    }

    [Fact]
    public void A_field_number_the_tables_do_not_know_is_named_not_dropped()
    {
        // spec.template.spec.containers[0] with field 99, which Container does not have.
        var container = Message((1, Text("app")), (2, Text("nginx")), (99, Varint(1)));
        var deployment = Encode((1, Message((1, Text("d")))), (2, Message((3, Message((2, Message((2, container))))))));

        var error = Assert.Throws<NotSupportedException>(() => KubernetesProtobuf.Decode(Envelope("apps/v1", "Deployment", deployment)));

        Assert.Equal("apps/v1, Kind=Deployment: field number 99 of message Container (at spec.template.spec.containers) is not in the emulator's protobuf tables", error.Message);
    }

    [Fact]
    public async Task The_server_answers_an_unknown_field_number_with_415_naming_it()
    {
        await using var api = await ApiEmulator.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(api.Url) };
        var body = new ByteArrayContent(Envelope("v1", "Namespace", Encode((1, Message((1, Text("n")))), (2, Message((1, Text("kubernetes")), (7, Text("x")))))));
        body.Headers.ContentType = new("application/vnd.kubernetes.protobuf");

        using var response = await http.PostAsync(new Uri("/api/v1/namespaces", UriKind.Relative), body);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(415, (int)response.StatusCode);
        Assert.Equal("UnsupportedMediaType", status["reason"]!.GetValue<string>());
        Assert.Contains("v1, Kind=Namespace: field number 7 of message NamespaceSpec (at spec)", status["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(api.Store.Get(new Storage.StorageKey("", "namespaces"), new Storage.ObjectKey("", "n")));
    }

    [Fact]
    public void Int_or_string_quantities_and_zero_values_decode_as_the_api_server_writes_json()
    {
        // A Service port: name "", protocol TCP, port 80, targetPort "http" (type 1), nodePort 0 (omitted in JSON).
        var port = Message((1, Text("")), (2, Text("TCP")), (3, Varint(80)), (4, Message((1, Varint(1)), (2, Varint(0)), (3, Text("http")))), (5, Varint(0)));
        var service = KubernetesProtobuf.Decode(Envelope("v1", "Service", Encode((1, Message((1, Text("s")), (8, Message()))), (2, Message((1, port))))));
        var quota = KubernetesProtobuf.Decode(Envelope("v1", "ResourceQuota", Encode((2, Message((1, Message((1, Text("cpu")), (2, Message((1, Text("500m")))))))))));

        Assert.Equal("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"ports":[{"protocol":"TCP","port":80,"targetPort":"http"}]}}""", service.ToJsonString());
        Assert.Equal("""{"apiVersion":"v1","kind":"ResourceQuota","spec":{"hard":{"cpu":"500m"}}}""", quota.ToJsonString());
    }

    [Fact]
    public async Task A_protobuf_scale_put_changes_the_deployment_replicas()
    {
        await using var api = await ApiEmulator.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(api.Url) };
        using var created = await http.PostAsync(new Uri("/apis/apps/v1/namespaces/default/deployments", UriKind.Relative), new StringContent(
            """{"metadata":{"name":"web"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"a","image":"i"}]}}}}""",
            System.Text.Encoding.UTF8,
            "application/json"));
        var scale = Encode((1, Message((1, Text("web")), (3, Text("default")))), (2, Message((1, Varint(0)))), (3, Message((1, Varint(1)))));
        var body = new ByteArrayContent(Envelope("autoscaling/v1", "Scale", scale));
        body.Headers.ContentType = new("application/vnd.kubernetes.protobuf");

        using var response = await http.PutAsync(new Uri("/apis/apps/v1/namespaces/default/deployments/web/scale", UriKind.Relative), body);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(201, (int)created.StatusCode);
        Assert.True(response.IsSuccessStatusCode, answer.ToJsonString());
        Assert.Equal(0, answer["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(0, api.Store.Get(new Storage.StorageKey("apps", "deployments"), new Storage.ObjectKey("default", "web"))!.ToJsonObject()["spec"]!["replicas"]!.GetValue<int>());
    }

    private static byte[] Envelope(string apiVersion, string kind, byte[] raw) =>
        [.. "k8s\0"u8, .. Encode((1, Message((1, Text(apiVersion)), (2, Text(kind)))), (2, Bytes(raw)), (4, Text("application/vnd.kubernetes.protobuf")))];

    // A field value: its wire type and how to write it.
    private sealed record Value(WireFormat.WireType Type, Action<CodedOutputStream> Write);

    private static Value Text(string text) => new(WireFormat.WireType.LengthDelimited, o => o.WriteString(text));

    private static Value Bytes(byte[] bytes) => new(WireFormat.WireType.LengthDelimited, o => o.WriteBytes(ByteString.CopyFrom(bytes)));

    private static Value Varint(long value) => new(WireFormat.WireType.Varint, o => o.WriteInt64(value));

    private static byte[] Encode(params (int Field, Value Value)[] fields)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            foreach (var (field, value) in fields)
            {
                output.WriteTag(field, value.Type);
                value.Write(output);
            }
        }

        return buffer.ToArray();
    }

    private static Value Message(params (int Field, Value Value)[] fields) => Bytes(Encode(fields));
}
