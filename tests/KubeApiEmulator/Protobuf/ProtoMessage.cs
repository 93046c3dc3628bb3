namespace KubeApiEmulator.Protobuf;

/// <summary>How a field of a Kubernetes generated.proto message is read and shown in JSON.</summary>
internal enum FieldKind
{
    String,
    Int32,
    Int64,
    Bool,

    /// <summary>bytes; JSON shows base64.</summary>
    Bytes,

    /// <summary>A nested message (<see cref="ProtoField.Type"/>).</summary>
    Message,

    /// <summary>A nested message whose fields JSON shows in the parent (Go <c>json:",inline"</c>).</summary>
    Inline,

    /// <summary>metav1.Time (seconds = 1); RFC 3339 in seconds, omitted when empty (Go's zero time).</summary>
    Time,

    /// <summary>intstr.IntOrString (type = 1, intVal = 2, strVal = 3): a JSON number or string.</summary>
    IntOrString,

    /// <summary>resource.Quantity (string = 1): a JSON string.</summary>
    Quantity,

    /// <summary>runtime.RawExtension (raw = 1): the embedded JSON.</summary>
    RawExtension,

    /// <summary>map&lt;string, string&gt;.</summary>
    StringMap,

    /// <summary>map&lt;string, bytes&gt;; JSON shows base64 values.</summary>
    BytesMap,

    /// <summary>map&lt;string, resource.Quantity&gt; (ResourceList).</summary>
    QuantityMap,
}

/// <summary>
/// One field of a message. Go's protobuf marshaller writes every non-pointer field, zero or not, and a pointer field
/// only when set; JSON omits zero values of <c>omitempty</c> fields. So a zero scalar is dropped unless
/// <see cref="KeepZero"/> (a pointer, or a field JSON always shows), which makes the decoded JSON the API server's.
/// </summary>
internal sealed record ProtoField(string Name, FieldKind Kind, ProtoMessage? Type = null, bool Repeated = false, bool KeepZero = false);

/// <summary>A message of a generated.proto: its Go type name (named in errors) and its fields by number.</summary>
internal sealed record ProtoMessage(string Name, IReadOnlyDictionary<int, ProtoField> Fields)
{
    public ProtoMessage(string name, params (int Number, ProtoField Field)[] fields)
        : this(name, fields.ToDictionary(f => f.Number, f => f.Field))
    {
    }
}

/// <summary>Short constructors for the message tables.</summary>
internal static class F
{
    public static ProtoField Str(string name) => new(name, FieldKind.String);

    /// <summary>A *string, or a string JSON always shows.</summary>
    public static ProtoField OptStr(string name) => new(name, FieldKind.String, KeepZero: true);

    public static ProtoField Strs(string name) => new(name, FieldKind.String, Repeated: true);

    public static ProtoField Int(string name) => new(name, FieldKind.Int32);

    /// <summary>An *int32, or an int32 JSON always shows.</summary>
    public static ProtoField OptInt(string name) => new(name, FieldKind.Int32, KeepZero: true);

    public static ProtoField Ints(string name) => new(name, FieldKind.Int32, Repeated: true);

    public static ProtoField Long(string name) => new(name, FieldKind.Int64);

    public static ProtoField OptLong(string name) => new(name, FieldKind.Int64, KeepZero: true);

    public static ProtoField Longs(string name) => new(name, FieldKind.Int64, Repeated: true);

    public static ProtoField Bool(string name) => new(name, FieldKind.Bool);

    /// <summary>A *bool.</summary>
    public static ProtoField OptBool(string name) => new(name, FieldKind.Bool, KeepZero: true);

    public static ProtoField Bytes(string name) => new(name, FieldKind.Bytes);

    public static ProtoField Obj(string name, ProtoMessage type) => new(name, FieldKind.Message, type);

    public static ProtoField Objs(string name, ProtoMessage type) => new(name, FieldKind.Message, type, Repeated: true);

    public static ProtoField Inline(ProtoMessage type) => new(type.Name, FieldKind.Inline, type);

    public static ProtoField Time(string name) => new(name, FieldKind.Time);

    public static ProtoField IntOrString(string name) => new(name, FieldKind.IntOrString);

    public static ProtoField Quantity(string name) => new(name, FieldKind.Quantity);

    public static ProtoField Raw(string name) => new(name, FieldKind.RawExtension);

    public static ProtoField Map(string name) => new(name, FieldKind.StringMap);

    public static ProtoField BytesMap(string name) => new(name, FieldKind.BytesMap);

    public static ProtoField Resources(string name) => new(name, FieldKind.QuantityMap);
}
