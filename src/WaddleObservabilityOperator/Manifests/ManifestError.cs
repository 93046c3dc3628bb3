namespace WaddleObservabilityOperator.Manifests;

/// <summary>
/// One problem in the input, located by file, object and field, e.g.
/// <c>config/x.yaml: WaddleService waddlebot/router: spec.tracing.samplingRatio: must be between 0 and 1, got 1.5</c>.
/// </summary>
/// <param name="File">The file as the user named it (folders expanded), with forward slashes.</param>
/// <param name="Object">"Kind namespace/name" when known, otherwise the document's position ("document 2"); empty for file-level problems.</param>
/// <param name="Field">The field path (spec.tracing.samplingRatio, spec.template.spec.containers[0].env), or null.</param>
/// <param name="Message">What is wrong.</param>
public sealed record ManifestError(string File, string Object, string? Field, string Message)
{
    public override string ToString()
    {
        var location = Object.Length == 0 ? File : $"{File}: {Object}";
        return Field is null ? $"{location}: {Message}" : $"{location}: {Field}: {Message}";
    }
}
