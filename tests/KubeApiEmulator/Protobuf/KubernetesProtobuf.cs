using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using KubeApiEmulator.Protobuf.Messages;

namespace KubeApiEmulator.Protobuf;

/// <summary>
/// Decodes request bodies sent as <c>application/vnd.kubernetes.protobuf</c>. client-go's typed clientset sends
/// built-in objects that way by default (kubectl create namespace/deployment/..., kubectl scale, kubectl auth
/// can-i, helm's release Secrets). The envelope is the magic <c>k8s\0</c> and a runtime.Unknown (typeMeta = 1,
/// raw = 2); raw is the object in the field numbers of k8s.io/api generated.proto. One decoder reads every kind
/// from the message tables in <c>Messages/</c>: a kind outside <see cref="Kinds"/>, or a field number a table does
/// not list, is reported (<see cref="NotSupportedException"/>, answered 415) rather than dropped, so a gap in the
/// tables shows instead of silently storing a different object.
/// </summary>
public static class KubernetesProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    private static readonly Dictionary<string, ProtoMessage> Kinds = new(StringComparer.Ordinal)
    {
        ["v1/Namespace"] = CoreV1.Namespace,
        ["v1/Service"] = CoreV1.Service,
        ["v1/ServiceAccount"] = CoreV1.ServiceAccount,
        ["v1/ConfigMap"] = CoreV1.ConfigMap,
        ["v1/Secret"] = CoreV1.Secret,
        ["v1/ResourceQuota"] = CoreV1.ResourceQuota,
        ["v1/DeleteOptions"] = MetaV1.DeleteOptions,
        ["meta.k8s.io/v1/DeleteOptions"] = MetaV1.DeleteOptions,
        ["apps/v1/Deployment"] = AppsV1.Deployment,
        ["batch/v1/Job"] = BatchV1.Job,
        ["batch/v1/CronJob"] = BatchV1.CronJob,
        ["rbac.authorization.k8s.io/v1/Role"] = RbacV1.Role,
        ["rbac.authorization.k8s.io/v1/ClusterRole"] = RbacV1.ClusterRole,
        ["rbac.authorization.k8s.io/v1/RoleBinding"] = RbacV1.RoleBinding,
        ["rbac.authorization.k8s.io/v1/ClusterRoleBinding"] = RbacV1.ClusterRoleBinding,
        ["networking.k8s.io/v1/Ingress"] = NetworkingV1.Ingress,
        ["policy/v1/PodDisruptionBudget"] = PolicyV1.PodDisruptionBudget,
        ["scheduling.k8s.io/v1/PriorityClass"] = SchedulingV1.PriorityClass,
        ["autoscaling/v1/Scale"] = AutoscalingV1.Scale,
        ["authorization.k8s.io/v1/SelfSubjectAccessReview"] = AuthorizationV1.SelfSubjectAccessReview,
        ["authorization.k8s.io/v1/SelfSubjectRulesReview"] = AuthorizationV1.SelfSubjectRulesReview,
    };

    /// <summary>The apiVersion/Kind pairs this decoder reads.</summary>
    public static IReadOnlyCollection<string> SupportedKinds => Kinds.Keys;

    /// <summary>Decodes a protobuf body into the object's JSON form; throws <see cref="NotSupportedException"/>
    /// naming the kind, or the message and field number, that this decoder does not know, and
    /// <see cref="InvalidDataException"/> when the body is malformed.</summary>
    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
        {
            throw new InvalidDataException("the protobuf body does not start with the Kubernetes magic number k8s\\0");
        }

        try
        {
            var unknown = new CodedInputStream(body[Magic.Length..].ToArray());
            string apiVersion = "", kind = "";
            ByteString raw = ByteString.Empty;
            uint tag;
            while ((tag = unknown.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1:
                        var typeMeta = new CodedInputStream(unknown.ReadBytes().ToByteArray());
                        uint typeTag;
                        while ((typeTag = typeMeta.ReadTag()) != 0)
                        {
                            switch (WireFormat.GetTagFieldNumber(typeTag))
                            {
                                case 1:
                                    apiVersion = typeMeta.ReadString();
                                    break;
                                case 2:
                                    kind = typeMeta.ReadString();
                                    break;
                                default:
                                    typeMeta.SkipLastField();
                                    break;
                            }
                        }

                        break;
                    case 2:
                        raw = unknown.ReadBytes();
                        break;
                    default:
                        unknown.SkipLastField();
                        break;
                }
            }

            if (!Kinds.TryGetValue($"{apiVersion}/{kind}", out var message))
            {
                throw new NotSupportedException($"{apiVersion}, Kind={kind} in protobuf");
            }

            var result = new JsonObject();
            if (message.Name != "DeleteOptions")
            {
                result["apiVersion"] = apiVersion;
                result["kind"] = kind;
            }

            ReadMessage(raw.ToByteArray(), message, result, $"{apiVersion}, Kind={kind}", "");
            return result;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"the protobuf body could not be decoded: {e.Message}", e);
        }
    }

    /// <summary>Reads the fields of <paramref name="message"/> into <paramref name="target"/> (the parent's object for inline messages).</summary>
    private static void ReadMessage(byte[] bytes, ProtoMessage message, JsonObject target, string kind, string path)
    {
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            if (!message.Fields.TryGetValue(number, out var field))
            {
                throw new NotSupportedException(
                    $"{kind}: field number {number} of message {message.Name}{(path.Length == 0 ? "" : $" (at {path})")} is not in the emulator's protobuf tables");
            }

            var at = path.Length == 0 ? field.Name : $"{path}.{field.Name}";
            if (field.Repeated && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited && field.Kind is FieldKind.Int32 or FieldKind.Int64 or FieldKind.Bool)
            {
                // A packed repeated scalar.
                var packed = new CodedInputStream(input.ReadBytes().ToByteArray());
                while (!packed.IsAtEnd)
                {
                    Append(target, field.Name, ReadScalar(packed, field.Kind));
                }

                continue;
            }

            switch (field.Kind)
            {
                case FieldKind.Inline:
                    ReadMessage(input.ReadBytes().ToByteArray(), field.Type!, target, kind, path);
                    continue;
                case FieldKind.StringMap or FieldKind.BytesMap or FieldKind.QuantityMap:
                    var (key, entry) = ReadMapEntry(input.ReadBytes().ToByteArray(), field.Kind);
                    var map = target[field.Name] as JsonObject ?? [];
                    map[key] = entry;
                    target[field.Name] = map;
                    continue;
            }

            JsonNode? value = field.Kind switch
            {
                FieldKind.Message => ReadNested(input.ReadBytes().ToByteArray(), field.Type!, kind, at),
                FieldKind.Time => ReadTime(input.ReadBytes().ToByteArray()),
                FieldKind.IntOrString => ReadIntOrString(input.ReadBytes().ToByteArray()),
                FieldKind.Quantity => ReadQuantity(input.ReadBytes().ToByteArray()),
                FieldKind.RawExtension => ReadRawExtension(input.ReadBytes().ToByteArray()),
                FieldKind.Bytes => input.ReadBytes().ToBase64(),
                _ => ReadScalar(input, field.Kind),
            };
            if (field.Repeated)
            {
                Append(target, field.Name, value);
            }
            else if (value is not null && (field.KeepZero || !IsZero(value)))
            {
                target[field.Name] = value;
            }
            else
            {
                target.Remove(field.Name);
            }
        }
    }

    private static JsonObject ReadNested(byte[] bytes, ProtoMessage type, string kind, string path)
    {
        var nested = new JsonObject();
        ReadMessage(bytes, type, nested, kind, path);
        return nested;
    }

    private static JsonNode ReadScalar(CodedInputStream input, FieldKind kind) => kind switch
    {
        FieldKind.String => input.ReadString(),
        FieldKind.Int32 => input.ReadInt32(),
        FieldKind.Int64 => input.ReadInt64(),
        FieldKind.Bool => input.ReadBool(),
        _ => throw new InvalidOperationException($"{kind} is not a scalar"),
    };

    // Go's JSON omits these for omitempty fields; messages (Go structs) are never omitted, even when empty.
    private static bool IsZero(JsonNode value) => value is JsonValue scalar && (
        (scalar.TryGetValue<string>(out var text) && text.Length == 0)
        || (scalar.TryGetValue<int>(out var number) && number == 0)
        || (scalar.TryGetValue<long>(out var wide) && wide == 0)
        || (scalar.TryGetValue<bool>(out var flag) && !flag));

    private static void Append(JsonObject target, string name, JsonNode? value)
    {
        var list = target[name] as JsonArray ?? [];
        list.Add(value);
        target[name] = list;
    }

    private static (string Key, JsonNode? Value) ReadMapEntry(byte[] bytes, FieldKind kind)
    {
        var input = new CodedInputStream(bytes);
        string key = "";
        JsonNode? value = kind == FieldKind.QuantityMap ? "0" : "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    key = input.ReadString();
                    break;
                case 2:
                    value = kind switch
                    {
                        FieldKind.BytesMap => input.ReadBytes().ToBase64(),
                        FieldKind.QuantityMap => ReadQuantity(input.ReadBytes().ToByteArray()),
                        _ => input.ReadString(),
                    };
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return (key, value);
    }

    // metav1.Time: seconds = 1, nanos = 2; JSON is RFC 3339 in seconds. Go writes the zero time as no bytes at all.
    private static string? ReadTime(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return null;
        }

        var input = new CodedInputStream(bytes);
        long seconds = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1)
            {
                seconds = input.ReadInt64();
            }
            else
            {
                input.SkipLastField();
            }
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    // intstr.IntOrString: type = 1 (0 Int, 1 String), intVal = 2, strVal = 3.
    private static JsonNode ReadIntOrString(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        long type = 0;
        var number = 0;
        var text = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    type = input.ReadInt64();
                    break;
                case 2:
                    number = input.ReadInt32();
                    break;
                case 3:
                    text = input.ReadString();
                    break;
                default:
                    throw new NotSupportedException($"field number {WireFormat.GetTagFieldNumber(tag)} of message IntOrString is not in the emulator's protobuf tables");
            }
        }

        return type == 1 ? text : number;
    }

    // resource.Quantity: string = 1.
    private static string ReadQuantity(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        var text = "0";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != 1)
            {
                throw new NotSupportedException($"field number {WireFormat.GetTagFieldNumber(tag)} of message Quantity is not in the emulator's protobuf tables");
            }

            text = input.ReadString();
        }

        return text;
    }

    // runtime.RawExtension: raw = 1, the embedded object's JSON.
    private static JsonNode? ReadRawExtension(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        JsonNode? value = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != 1)
            {
                throw new NotSupportedException($"field number {WireFormat.GetTagFieldNumber(tag)} of message RawExtension is not in the emulator's protobuf tables");
            }

            var raw = input.ReadBytes();
            value = raw.Length == 0 ? null : JsonNode.Parse(raw.Span);
        }

        return value;
    }
}
