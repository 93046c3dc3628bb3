namespace KubeApiEmulator.Schema;

/// <summary>
/// One schema violation of a custom resource, as the API server reports it in <c>Status.details.causes</c>.
/// </summary>
/// <param name="Field">The field path, e.g. <c>spec.tracing.sampling.defaultRatio</c> or <c>spec.items[0].name</c>.</param>
/// <param name="Reason">The cause type: FieldValueInvalid, FieldValueRequired, FieldValueNotSupported,
/// FieldValueTypeInvalid, FieldValueTooLong, FieldValueTooMany, FieldValueDuplicate or FieldValueUnknown.</param>
/// <param name="Message">The full text as the API server prints it, field first, e.g.
/// <c>spec.workload.name: Required value</c>.</param>
public sealed record SchemaError(string Field, string Reason, string Message);
