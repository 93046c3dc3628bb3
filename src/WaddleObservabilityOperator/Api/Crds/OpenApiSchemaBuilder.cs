using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Serialization;
using k8s.Models;

namespace WaddleObservabilityOperator.Api.Crds;

/// <summary>
/// Maps C# types to structural openAPIV3Schema nodes by reflection: properties by their [JsonPropertyName], validation
/// from the attributes in SchemaAttributes.cs, descriptions from the XML docs, and the upstream markers of the
/// KubernetesClient model types (<see cref="UpstreamMarkers"/>). Properties are kept in ordinal key order so the
/// output is the same on every run.
/// </summary>
/// <remarks>
/// Reflection over the API types is safe in the trimmed Native AOT build because everything the builder visits is
/// kept whole: the API's namespace by ILLink.Descriptors.xml, the KubernetesClient models of
/// <see cref="UpstreamMarkers"/> by the DynamicDependency attributes below (<c>ApiTypesPreservedTests</c> checks both
/// lists against what the builder visits). The builder runs at start-up in both builds: <c>ApiValidator</c> validates
/// with the schema it builds.
/// </remarks>
[UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Every type visited is preserved whole: see the remarks.")]
[UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Every type visited is preserved whole: see the remarks.")]
[UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Every type visited is preserved whole: see the remarks.")]
public sealed class OpenApiSchemaBuilder(XmlDocumentation docs)
{
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(V1LabelSelector))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(V1LabelSelectorRequirement))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(V1Condition))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(V1ResourceRequirements))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(Corev1ResourceClaim))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(V1ObjectMeta))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(ResourceQuantity))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(IntOrString))]
    static OpenApiSchemaBuilder()
    {
    }

    private readonly List<SemanticRule> _rules = [];
    private readonly Stack<Type> _visiting = new();

    /// <summary>Rules found while building, which the schema cannot express.</summary>
    public IReadOnlyList<SemanticRule> SemanticRules => _rules;

    /// <summary>The schema of a class: an object with one property per [JsonPropertyName] property.</summary>
    public V1JSONSchemaProps ForObject(Type type, string path)
    {
        if (_visiting.Contains(type))
        {
            throw new InvalidOperationException($"{type.Name} contains itself (at {path}); a CRD schema cannot be recursive.");
        }

        _visiting.Push(type);
        try
        {
            var schema = new V1JSONSchemaProps
            {
                Type = "object",
                Properties = new SortedDictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal),
            };
            var required = new List<string>();
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttribute<JsonIgnoreAttribute>() is not null || property.GetIndexParameters().Length > 0)
                {
                    continue;
                }

                var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
                    ?? throw new InvalidOperationException($"{type.Name}.{property.Name} has no [JsonPropertyName]; every API field names its wire name.");
                var propertyPath = Join(path, name);
                schema.Properties.Add(name, ForProperty(property, propertyPath));
                if (IsRequired(property))
                {
                    required.Add(name);
                }
            }

            if (required.Count > 0)
            {
                required.Sort(StringComparer.Ordinal);
                schema.Required = required;
            }

            UpstreamMarkers.Apply(type, schema);
            return schema;
        }
        finally
        {
            _visiting.Pop();
        }
    }

    private static bool IsRequired(PropertyInfo property)
    {
        var required = property.GetCustomAttribute<RequiredFieldAttribute>() is not null;
        if (!IsOwnApiType(property.DeclaringType!))
        {
            return required;
        }

        var nullable = Nullable.GetUnderlyingType(property.PropertyType) is not null
            || new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable;
        if (required && nullable)
        {
            throw new InvalidOperationException($"{property.DeclaringType!.Name}.{property.Name} is [RequiredField] but nullable; make it non-nullable.");
        }

        // A missing value-type field would silently read as 0 or the first enum member.
        if (!required && property.PropertyType.IsValueType && !nullable)
        {
            throw new InvalidOperationException($"{property.DeclaringType!.Name}.{property.Name} is an optional value type; make it nullable or [RequiredField].");
        }

        return required;
    }

    // Optional (nullable) C# properties are simply not required; like controller-gen, no `nullable: true` is emitted,
    // so the API server drops an explicit null instead of storing it, and the operator reads it as unset either way.
    private V1JSONSchemaProps ForProperty(PropertyInfo property, string path)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (type == typeof(V1ObjectMeta))
        {
            // The API server owns metadata's schema; a CRD may only say it is an object (like controller-gen).
            return path == "metadata"
                ? new V1JSONSchemaProps { Type = "object" }
                : throw new InvalidOperationException($"ObjectMeta is allowed only at the root, not at {path}.");
        }

        var schema = ForType(type, path);
        schema.Description = Describe(property, type);
        ApplyAttributes(property, type, schema, path);
        return schema;
    }

    private V1JSONSchemaProps ForType(Type type, string path)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new V1JSONSchemaProps { Type = "string" };
        }

        if (type == typeof(bool))
        {
            return new V1JSONSchemaProps { Type = "boolean" };
        }

        if (type == typeof(int) || type == typeof(short))
        {
            return new V1JSONSchemaProps { Type = "integer", Format = "int32" };
        }

        if (type == typeof(long))
        {
            return new V1JSONSchemaProps { Type = "integer", Format = "int64" };
        }

        if (type == typeof(double) || type == typeof(float))
        {
            return new V1JSONSchemaProps { Type = "number" };
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new V1JSONSchemaProps { Type = "string", Format = "date-time" };
        }

        if (type == typeof(ResourceQuantity))
        {
            return UpstreamMarkers.Quantity();
        }

        if (type == typeof(IntOrString))
        {
            return new V1JSONSchemaProps { AnyOf = [new() { Type = "integer" }, new() { Type = "string" }], XKubernetesIntOrString = true };
        }

        if (type.IsEnum)
        {
            return new V1JSONSchemaProps { Type = "string", EnumProperty = EnumMembers(type).Select(m => (object)m.WireName).ToList() };
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            return new V1JSONSchemaProps { Type = "object", AdditionalProperties = ForType(valueType, path + "[*]") };
        }

        if (ListItemType(type) is { } itemType)
        {
            var items = ForType(itemType, path + "[]");
            if (items.Type == "object" && items.Properties is not null)
            {
                items.Description = docs.Of(itemType);
            }

            return new V1JSONSchemaProps { Type = "array", Items = items };
        }

        if (type == typeof(V1LabelSelector))
        {
            _rules.Add(new SemanticRule(path, SemanticRuleKind.LabelSelector));
        }

        if (type.IsClass && (IsOwnApiType(type) || UpstreamMarkers.Knows(type)))
        {
            return ForObject(type, path);
        }

        throw new InvalidOperationException(
            $"No schema mapping for {type.FullName} (at {path}); KubernetesClient model types need their upstream markers in UpstreamMarkers.");
    }

    private string? Describe(PropertyInfo property, Type type)
    {
        var description = docs.Of(property) ?? (type.IsClass && type != typeof(string) ? docs.Of(type) : null);
        var enumType = type.IsEnum ? type : ListItemType(type) is { IsEnum: true } e ? e : null;
        if (enumType is null)
        {
            return description;
        }

        // Values documented on the enum members are spelled out where the field is, so `kubectl explain` shows them.
        var values = EnumMembers(enumType)
            .Select(m => (m.WireName, Text: docs.Of(m.Field)))
            .Where(m => m.Text is not null)
            .Select(m => $"`{m.WireName}`: {m.Text}")
            .ToList();
        return values.Count == 0 ? description : string.Join(' ', new[] { description }.Concat(values).Where(s => s is not null));
    }

    private void ApplyAttributes(PropertyInfo property, Type type, V1JSONSchemaProps schema, string path)
    {
        var where = $"{property.DeclaringType!.Name}.{property.Name}";
        var numeric = schema.Type is "integer" or "number";
        var text = schema.Type == "string" && schema.EnumProperty is null;
        var list = schema.Type == "array";

        foreach (var attribute in property.GetCustomAttributes())
        {
            switch (attribute)
            {
                case RatioAttribute:
                    Require(numeric, where, "[Ratio]", "a number");
                    schema.Minimum = 0;
                    schema.Maximum = 1;
                    break;
                case BoundsAttribute bounds:
                    Require(numeric, where, "[Bounds]", "a number");
                    schema.Minimum = bounds.Minimum;
                    schema.Maximum = bounds.Maximum;
                    break;
                case ExclusiveBoundsAttribute exclusive:
                    Require(numeric, where, "[ExclusiveBounds]", "a number");
                    schema.Minimum = exclusive.Minimum;
                    schema.Maximum = exclusive.Maximum;
                    schema.ExclusiveMinimum = true;
                    schema.ExclusiveMaximum = true;
                    break;
                case MinimumAttribute minimum:
                    Require(numeric, where, "[Minimum]", "a number");
                    schema.Minimum = minimum.Minimum;
                    break;
                case PrometheusDurationAttribute:
                    Require(text, where, "[PrometheusDuration]", "a string");
                    schema.Pattern = PrometheusDurationAttribute.Pattern;
                    break;
                case PatternAttribute pattern:
                    Require(text, where, "[Pattern]", "a string");
                    schema.Pattern = pattern.Pattern;
                    break;
                case ItemPatternAttribute itemPattern:
                    Require(list && ((V1JSONSchemaProps)schema.Items).Type == "string", where, "[ItemPattern]", "a list of strings");
                    ((V1JSONSchemaProps)schema.Items).Pattern = itemPattern.Pattern;
                    break;
                case LengthAttribute length:
                    Require(text, where, "[Length]", "a string");
                    schema.MinLength = length.MinLength > 0 ? length.MinLength : null;
                    schema.MaxLength = length.MaxLength >= 0 ? length.MaxLength : null;
                    break;
                case MaxItemsAttribute maxItems:
                    Require(list, where, "[MaxItems]", "a list");
                    schema.MaxItems = maxItems.MaxItems;
                    break;
                case ListSetAttribute:
                    Require(list && ((V1JSONSchemaProps)schema.Items).Type != "object", where, "[ListSet]", "a list of scalars");
                    schema.XKubernetesListType = "set";
                    break;
                case ListMapKeyAttribute mapKey:
                    Require(list, where, "[ListMapKey]", "a list");
                    var items = (V1JSONSchemaProps)schema.Items;
                    // The API server accepts a list-map key only when every item must have it.
                    Require(items.Required?.Contains(mapKey.Key) == true, where, $"[ListMapKey(\"{mapKey.Key}\")]", $"a list of objects with a required {mapKey.Key}");
                    schema.XKubernetesListType = "map";
                    schema.XKubernetesListMapKeys = [mapKey.Key];
                    break;
                case LabelMapAttribute:
                    Require(DictionaryValueType(type) == typeof(string), where, "[LabelMap]", "a map of strings");
                    _rules.Add(new SemanticRule(path, SemanticRuleKind.LabelMap));
                    break;
            }
        }
    }

    private static void Require(bool condition, string where, string attribute, string expected)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"{where}: {attribute} applies only to {expected}.");
        }
    }

    /// <summary>The members of a string enum with their wire names ([JsonStringEnumMemberName]), in declaration order.</summary>
    public static IReadOnlyList<(string WireName, FieldInfo Field)> EnumMembers(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .OrderBy(f => Convert.ToInt64(f.GetRawConstantValue(), CultureInfo.InvariantCulture))
            .Select(f => (f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name, f))
            .ToList();

    // KubernetesClient's models (namespace k8s.Models) follow upstream rules; every other class is an API type of ours.
    private static bool IsOwnApiType(Type type) => !(type.Namespace ?? "").StartsWith("k8s", StringComparison.Ordinal);

    private static Type? DictionaryValueType(Type type) =>
        GenericInterface(type, typeof(IDictionary<,>)) is { } dictionary && dictionary.GetGenericArguments()[0] == typeof(string)
            ? dictionary.GetGenericArguments()[1]
            : null;

    private static Type? ListItemType(Type type) =>
        type == typeof(string) || GenericInterface(type, typeof(IDictionary<,>)) is not null || !typeof(IEnumerable).IsAssignableFrom(type)
            ? null
            : GenericInterface(type, typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static Type? GenericInterface(Type type, Type definition) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == definition
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
