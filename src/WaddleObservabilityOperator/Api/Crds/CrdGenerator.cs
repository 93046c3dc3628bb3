using System.Reflection;
using k8s.Models;

namespace WaddleObservabilityOperator.Api.Crds;

/// <summary>A CRD generated from an API type, with the rules beyond its schema that the validator also checks.</summary>
public sealed record GeneratedCrd(Type EntityType, string FileName, V1CustomResourceDefinition Definition, IReadOnlyList<SemanticRule> SemanticRules)
{
    public string Kind => Definition.Spec.Names.Kind;

    public string ApiVersion => Definition.Spec.Group + "/" + Version.Name;

    public V1CustomResourceDefinitionVersion Version => Definition.Spec.Versions.Single();

    public V1JSONSchemaProps Schema => Version.Schema.OpenAPIV3Schema;
}

/// <summary>The kinds this operator serves; the CRDs under config/crds are generated from exactly these.</summary>
public static class ApiKinds
{
    public static IReadOnlyList<Type> All { get; } = [typeof(WaddleService), typeof(ObservabilityPolicy)];
}

/// <summary>
/// Builds an <c>apiextensions.k8s.io/v1</c> CustomResourceDefinition from an API type: names from [KubernetesEntity]
/// and [ResourceNames], printer columns from [PrinterColumn], a status subresource when the type has a status, and the
/// structural openAPIV3Schema from <see cref="OpenApiSchemaBuilder"/>. One served and stored version, namespaced.
/// </summary>
public sealed class CrdGenerator(XmlDocumentation docs)
{
    /// <summary>A generator with descriptions read from the XML docs of the operator and of KubernetesClient.</summary>
    public static CrdGenerator WithDocumentation() =>
        new(XmlDocumentation.Load([typeof(WaddleService).Assembly, typeof(V1Condition).Assembly]));

    public IReadOnlyList<GeneratedCrd> GenerateAll() => ApiKinds.All.Select(Generate).ToList();

    public GeneratedCrd Generate(Type entityType)
    {
        var entity = entityType.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{entityType.Name} has no [KubernetesEntity].");
        var names = entityType.GetCustomAttribute<ResourceNamesAttribute>()
            ?? throw new InvalidOperationException($"{entityType.Name} has no [ResourceNames].");
        if (!string.Equals(entity.PluralName, names.Plural, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{entityType.Name}: [KubernetesEntity] plural {entity.PluralName} differs from [ResourceNames] plural {names.Plural}.");
        }

        var builder = new OpenApiSchemaBuilder(docs);
        var schema = builder.ForObject(entityType, "");
        schema.Description = docs.Of(entityType);
        var hasStatus = schema.Properties.ContainsKey("status");

        var columns = entityType.GetCustomAttributes<PrinterColumnAttribute>()
            .OrderBy(c => c.Order)
            .Select(c => new V1CustomResourceColumnDefinition
            {
                Name = c.Name,
                Type = c.Type,
                JsonPath = c.JsonPath,
                Description = c.Description,
                Priority = c.Priority == 0 ? null : c.Priority,
            })
            .ToList();

        var definition = new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta { Name = $"{names.Plural}.{entity.Group}" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = entity.Group,
                Names = new V1CustomResourceDefinitionNames
                {
                    Kind = entity.Kind,
                    ListKind = entity.Kind + "List",
                    Plural = names.Plural,
                    Singular = names.Singular,
                    ShortNames = names.ShortNames.Count > 0 ? names.ShortNames.ToList() : null,
                    Categories = names.Categories.Count > 0 ? names.Categories.ToList() : null,
                },
                Scope = "Namespaced",
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = entity.ApiVersion,
                        Served = true,
                        Storage = true,
                        Schema = new V1CustomResourceValidation { OpenAPIV3Schema = schema },
                        Subresources = hasStatus ? new V1CustomResourceSubresources { Status = new object() } : null,
                        AdditionalPrinterColumns = columns.Count > 0 ? columns : null,
                    },
                ],
            },
        };

        return new GeneratedCrd(entityType, $"{entity.Group}_{names.Plural}.yaml", definition, builder.SemanticRules.ToList());
    }
}
