using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace KubeApiEmulator.Protobuf;

/// <summary>
/// Decodes request bodies sent as <c>application/vnd.kubernetes.protobuf</c>. client-go's typed clientset sends
/// built-in objects that way by default, and helm stores its releases through it (Secrets, and DeleteOptions on
/// uninstall), so a server must read them. The envelope is the magic <c>k8s\0</c> and a runtime.Unknown
/// (typeMeta = 1, raw = 2); raw is the object in the field numbers of k8s.io/api generated.proto. Only the kinds
/// listed in <see cref="Messages"/> are understood; anything else is reported as unsupported.
/// </summary>
public static class KubernetesProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    private static readonly Message Time = new("Time", new Dictionary<int, Field>());

    private static readonly Message ObjectMeta = new("ObjectMeta", new Dictionary<int, Field>
    {
        [1] = new("name", FieldKind.String),
        [2] = new("generateName", FieldKind.String),
        [3] = new("namespace", FieldKind.String),
        [4] = new("selfLink", FieldKind.String),
        [5] = new("uid", FieldKind.String),
        [6] = new("resourceVersion", FieldKind.String),
        [7] = new("generation", FieldKind.Int64),
        [8] = new("creationTimestamp", FieldKind.Message, Time),
        [9] = new("deletionTimestamp", FieldKind.Message, Time),
        [10] = new("deletionGracePeriodSeconds", FieldKind.Int64),
        [11] = new("labels", FieldKind.StringMap),
        [12] = new("annotations", FieldKind.StringMap),
        [13] = new("ownerReferences", FieldKind.Message, new("OwnerReference", new Dictionary<int, Field>
        {
            [1] = new("kind", FieldKind.String),
            [3] = new("name", FieldKind.String),
            [4] = new("uid", FieldKind.String),
            [5] = new("apiVersion", FieldKind.String),
            [6] = new("controller", FieldKind.Bool),
            [7] = new("blockOwnerDeletion", FieldKind.Bool),
        }), Repeated: true),
        [14] = new("finalizers", FieldKind.String, Repeated: true),
    });

    private static readonly Dictionary<string, Message> Messages = new(StringComparer.Ordinal)
    {
        ["v1/Secret"] = new("Secret", new Dictionary<int, Field>
        {
            [1] = new("metadata", FieldKind.Message, ObjectMeta),
            [2] = new("data", FieldKind.BytesMap),
            [3] = new("type", FieldKind.String),
            [4] = new("stringData", FieldKind.StringMap),
            [5] = new("immutable", FieldKind.Bool),
        }),
        ["v1/ConfigMap"] = new("ConfigMap", new Dictionary<int, Field>
        {
            [1] = new("metadata", FieldKind.Message, ObjectMeta),
            [2] = new("data", FieldKind.StringMap),
            [3] = new("binaryData", FieldKind.BytesMap),
            [4] = new("immutable", FieldKind.Bool),
        }),
        ["v1/DeleteOptions"] = DeleteOptions(),
        ["meta.k8s.io/v1/DeleteOptions"] = DeleteOptions(),
    };

    private enum FieldKind
    {
        String,
        Int64,
        Bool,
        Message,
        StringMap,
        BytesMap,
    }

    /// <summary>Decodes a protobuf body into the object's JSON form; throws <see cref="NotSupportedException"/>
    /// naming the kind when it is not one this decoder knows, <see cref="InvalidDataException"/> when malformed.</summary>
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

            if (!Messages.TryGetValue($"{apiVersion}/{kind}", out var message))
            {
                throw new NotSupportedException($"{apiVersion}, Kind={kind} in protobuf");
            }

            var result = new JsonObject();
            if (message.Name != "DeleteOptions")
            {
                result["apiVersion"] = apiVersion;
                result["kind"] = kind;
            }

            var fields = ReadMessage(raw.ToByteArray(), message);
            foreach (var (name, value) in fields.ToList())
            {
                fields.Remove(name);
                result[name] = value;
            }

            return result;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"the protobuf body could not be decoded: {e.Message}", e);
        }
    }

    private static Message DeleteOptions() => new("DeleteOptions", new Dictionary<int, Field>
    {
        [1] = new("gracePeriodSeconds", FieldKind.Int64),
        [2] = new("preconditions", FieldKind.Message, new("Preconditions", new Dictionary<int, Field>
        {
            [1] = new("uid", FieldKind.String),
            [2] = new("resourceVersion", FieldKind.String),
        })),
        [3] = new("orphanDependents", FieldKind.Bool),
        [4] = new("propagationPolicy", FieldKind.String),
        [5] = new("dryRun", FieldKind.String, Repeated: true),
    });

    private static JsonObject ReadMessage(byte[] bytes, Message message)
    {
        if (ReferenceEquals(message, Time))
        {
            return [];
        }

        var result = new JsonObject();
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (!message.Fields.TryGetValue(WireFormat.GetTagFieldNumber(tag), out var field))
            {
                input.SkipLastField();
                continue;
            }

            JsonNode? value = field.Kind switch
            {
                FieldKind.String => input.ReadString(),
                FieldKind.Int64 => input.ReadInt64(),
                FieldKind.Bool => input.ReadBool(),
                FieldKind.Message when ReferenceEquals(field.Type, Time) => ReadTime(input.ReadBytes().ToByteArray()),
                FieldKind.Message => ReadMessage(input.ReadBytes().ToByteArray(), field.Type!),
                _ => null,
            };
            if (field.Kind is FieldKind.StringMap or FieldKind.BytesMap)
            {
                var (key, entry) = ReadMapEntry(input.ReadBytes().ToByteArray(), field.Kind == FieldKind.BytesMap);
                var map = result[field.Name] as JsonObject ?? [];
                map[key] = entry;
                result[field.Name] = map;
            }
            else if (field.Repeated)
            {
                var list = result[field.Name] as JsonArray ?? [];
                list.Add(value);
                result[field.Name] = list;
            }
            else
            {
                result[field.Name] = value;
            }
        }

        return result;
    }

    private static (string Key, string Value) ReadMapEntry(byte[] bytes, bool binaryValue)
    {
        var input = new CodedInputStream(bytes);
        string key = "", value = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    key = input.ReadString();
                    break;
                case 2:
                    value = binaryValue ? input.ReadBytes().ToBase64() : input.ReadString();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return (key, value);
    }

    // metav1.Time: seconds = 1, nanos = 2; JSON form is RFC 3339 in seconds.
    private static string ReadTime(byte[] bytes)
    {
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

    private sealed record Message(string Name, IReadOnlyDictionary<int, Field> Fields);

    private sealed record Field(string Name, FieldKind Kind, Message? Type = null, bool Repeated = false);
}
