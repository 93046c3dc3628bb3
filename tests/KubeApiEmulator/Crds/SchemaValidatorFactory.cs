using System.Text.Json.Nodes;
using KubeApiEmulator.Schema;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Crds;

/// <summary>Adapts KubeApiEmulator.Schema's structural schema validator to the writer's field errors.</summary>
internal static class SchemaValidatorFactory
{
    public static Func<JsonObject, bool, IReadOnlyList<FieldError>> Create(ResourceType type)
    {
        var validator = new StructuralSchemaValidator(type.Schema!);
        return (obj, strictUnknownFields) =>
        {
            var errors = validator.ValidateAndPrune(obj, strictUnknownFields);
            var unknown = errors.Where(e => e.Reason == "FieldValueUnknown").ToList();
            if (unknown.Count > 0)
            {
                // A real server fails strict decoding before schema validation, as 400 BadRequest.
                throw ApiException.BadRequest(
                    $"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", unknown.Select(e => e.Message))}");
            }

            return [.. errors.Select(e => new FieldError(e.Field, e.Reason, e.Message))];
        };
    }
}
