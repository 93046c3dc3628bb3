namespace WaddleObservabilityOperator.Api.Validation;

/// <summary>
/// One problem with an object: <paramref name="Path"/> names the field the way kubectl does
/// (<c>spec.tracing.operations[2].ratio</c>, <c>spec.metrics.selector[app]</c>); empty for the object itself.
/// </summary>
public sealed record FieldError(string Path, string Message)
{
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}
