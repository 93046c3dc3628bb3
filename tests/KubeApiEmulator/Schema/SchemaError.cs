namespace KubeApiEmulator.Schema;

/// <summary>
/// One schema violation of a custom resource, as the API server reports it in <c>Status.details.causes</c>.
/// <see cref="ToString"/> gives the line of the Status message: <c>spec.workload.name: Required value</c>.
/// </summary>
/// <param name="Field">The field path, e.g. <c>spec.tracing.sampling.defaultRatio</c> or <c>spec.items[0].name</c>.</param>
/// <param name="Reason">The cause type: FieldValueInvalid, FieldValueRequired, FieldValueNotSupported,
/// FieldValueTypeInvalid, FieldValueTooLong, FieldValueTooMany, FieldValueDuplicate, or FieldValueUnknown for an
/// undeclared field under Strict field validation.</param>
/// <param name="Message">The cause message, without the field: <c>Required value</c>,
/// <c>Unsupported value: "foo": supported values: "a", "b"</c>. For FieldValueUnknown it is the strict decoding
/// error <c>unknown field "spec.foo"</c>, which a real server returns as 400 BadRequest
/// (<c>Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.foo"</c>).</param>
public sealed record SchemaError(string Field, string Reason, string Message)
{
    public override string ToString() => Reason == "FieldValueUnknown" ? Message : $"{Field}: {Message}";
}
