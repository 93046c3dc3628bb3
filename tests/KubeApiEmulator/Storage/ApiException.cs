using System.Text.Json.Nodes;

namespace KubeApiEmulator.Storage;

/// <summary>A failed request, answered as a kind: Status body with the API server's reason, code and message.</summary>
public sealed class ApiException : Exception
{
    public ApiException(int code, string reason, string message, JsonObject? details = null, IReadOnlyDictionary<string, string>? headers = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
        Headers = headers ?? new Dictionary<string, string>();
    }

    public int Code { get; }
    public string Reason { get; }
    public JsonObject? Details { get; }
    public IReadOnlyDictionary<string, string> Headers { get; }

    public JsonObject ToStatus() => StatusBody(Code, Reason, Message, Details);

    public static JsonObject StatusBody(int code, string reason, string message, JsonObject? details)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
        {
            status["details"] = details.DeepClone();
        }

        status["code"] = code;
        return status;
    }

    private static JsonObject NameDetails(ResourceType type, string name) => new()
    {
        ["name"] = name,
        ["group"] = type.Group,
        ["kind"] = type.Plural,
    };

    public static ApiException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.GroupResource} \"{name}\" not found", NameDetails(type, name));

    public static ApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.GroupResource} \"{name}\" already exists", NameDetails(type, name));

    public static ApiException Conflict(ResourceType type, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": {why}", NameDetails(type, name));

    public static ApiException StaleResourceVersion(ResourceType type, string name) =>
        Conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");

    public static ApiException Invalid(ResourceType type, string name, IReadOnlyList<FieldError> errors)
    {
        var rendered = errors.Select(e => e.ToString()).ToList();
        var summary = rendered.Count == 1 ? rendered[0] : $"[{string.Join(", ", rendered)}]";
        var details = new JsonObject
        {
            ["name"] = name,
            ["group"] = type.Group,
            ["kind"] = type.Kind,
            ["causes"] = new JsonArray([.. errors.Select(e => (JsonNode)new JsonObject
            {
                ["reason"] = e.Reason,
                ["message"] = e.Message,
                ["field"] = e.Field,
            })]),
        };
        return new(422, "Invalid", $"{type.GroupKind} \"{name}\" is invalid: {summary}", details);
    }

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public const string BodyMediaTypes = "application/json, application/yaml, application/vnd.kubernetes.protobuf";
    public const string CustomPatchMediaTypes = "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";
    public const string BuiltInPatchMediaTypes = "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json";

    /// <summary>415 with the accepted media types, as the server lists them; <paramref name="detail"/> says what the emulator could not read.</summary>
    public static ApiException UnsupportedMediaType(string accepted, string? detail = null) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: {accepted}{(detail is null ? "" : $" ({detail})")}");

    public static ApiException Expired(string message) => new(410, "Expired", message);

    public static ApiException Gone(string message) => new(410, "Gone", message);

    public static ApiException ResourceNotServed(string path) =>
        new(404, "NotFound", "the server could not find the requested resource", new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "UnexpectedServerResponse", ["message"] = $"404 page not found: {path}" }) });
}

/// <summary>
/// A field-level validation failure, rendered as the API server does: "spec.layer: Unsupported value: ...".
/// Reason is the StatusCause type (FieldValueInvalid, FieldValueRequired, FieldValueForbidden ...).
/// </summary>
public sealed record FieldError(string Field, string Reason, string Message)
{
    public override string ToString() => $"{Field}: {Message}";

    public static FieldError Required(string field, string detail) =>
        new(field, "FieldValueRequired", detail.Length == 0 ? "Required value" : $"Required value: {detail}");

    public static FieldError InvalidValue(string field, string value, string detail) =>
        new(field, "FieldValueInvalid", $"Invalid value: \"{value}\": {detail}");

    public static FieldError Forbidden(string field, string detail) =>
        new(field, "FieldValueForbidden", $"Forbidden: {detail}");
}
