using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Crds;

/// <summary>
/// Checks custom resources against their CRD's openAPIV3Schema and prunes unknown fields. The structural schema
/// logic lives in KubeApiEmulator.Schema; this seam caches one validator per served version.
/// </summary>
internal sealed class CustomResourceValidation
{
    private readonly ConditionalWeakTable<ResourceType, Func<JsonObject, bool, IReadOnlyList<FieldError>>> _validators = new();

    public IReadOnlyList<FieldError> Validate(ResourceType type, JsonObject obj, bool strictUnknownFields)
    {
        if (type.Schema is null)
        {
            return [];
        }

        var validate = _validators.GetValue(type, CreateValidator);
        return validate(obj, strictUnknownFields);
    }

    private static Func<JsonObject, bool, IReadOnlyList<FieldError>> CreateValidator(ResourceType type) =>
        SchemaValidatorFactory.Create(type);
}
