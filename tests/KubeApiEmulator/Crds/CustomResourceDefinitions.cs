using System.Text.Json.Nodes;
using KubeApiEmulator.Selectors;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Crds;

/// <summary>
/// What the apiextensions controllers do when a CRD is written: validate it, serve its versions, report
/// NamesAccepted and Established; on deletion remove its objects and stop serving it.
/// </summary>
internal sealed class CustomResourceDefinitions(ObjectStore store, ResourceRegistry registry, TimeProvider time)
{
    public static bool IsCrd(ResourceType type) => type.Group == "apiextensions.k8s.io" && type.Plural == "customresourcedefinitions";

    public IEnumerable<FieldError> Validate(ResourceType type, JsonObject obj)
    {
        if (!IsCrd(type))
        {
            yield break;
        }

        var spec = obj["spec"] as JsonObject;
        var group = spec?["group"]?.GetValue<string>() ?? "";
        var names = spec?["names"] as JsonObject;
        var plural = names?["plural"]?.GetValue<string>() ?? "";
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? "";
        if (group.Length == 0)
        {
            yield return FieldError.Required("spec.group", "");
        }

        if (plural.Length == 0)
        {
            yield return FieldError.Required("spec.names.plural", "");
        }

        if (string.IsNullOrEmpty(names?["kind"]?.GetValue<string>()))
        {
            yield return FieldError.Required("spec.names.kind", "");
        }

        if (group.Length > 0 && plural.Length > 0 && name != $"{plural}.{group}")
        {
            yield return FieldError.InvalidValue("metadata.name", name, "must be spec.names.plural+\".\"+spec.group");
        }

        var scope = spec?["scope"]?.GetValue<string>() ?? "";
        if (scope is not ("Namespaced" or "Cluster"))
        {
            yield return new FieldError("spec.scope", "FieldValueNotSupported", $"Unsupported value: \"{scope}\": supported values: \"Cluster\", \"Namespaced\"");
        }

        var versions = spec?["versions"] as JsonArray ?? [];
        if (versions.Count == 0)
        {
            yield return FieldError.Required("spec.versions", "must have exactly one version marked as storage version");
        }
        else if (versions.Count(v => v?["storage"]?.GetValue<bool>() == true) != 1)
        {
            yield return FieldError.InvalidValue("spec.versions", "", "must have exactly one version marked as storage version");
        }
    }

    /// <summary>After a CRD write: serve what it declares, then record acceptance in its status (a second write, as the real controller's).</summary>
    public void Committed(ResourceType type, StoredObject stored)
    {
        if (!IsCrd(type) || stored.IsDeleting)
        {
            return;
        }

        var crd = stored.ToJsonObject();
        var served = ServedTypes(crd);
        var key = new StorageKey(crd["spec"]!["group"]!.GetValue<string>(), crd["spec"]!["names"]!["plural"]!.GetValue<string>());
        registry.Replace(key, served);

        var status = crd["status"] as JsonObject ?? [];
        var desired = DesiredStatus(crd, status);
        if (!JsonNode.DeepEquals(desired, crd["status"]))
        {
            crd["status"] = desired;
            store.Put(type, crd);
        }
    }

    /// <summary>After a CRD is gone: its objects go with it and its watches end.</summary>
    public void Removed(ResourceType type, StoredObject removed)
    {
        if (!IsCrd(type))
        {
            return;
        }

        var crd = removed.ToJsonObject();
        var key = new StorageKey(crd["spec"]?["group"]?.GetValue<string>() ?? "", crd["spec"]?["names"]?["plural"]?.GetValue<string>() ?? "");
        var everything = new ObjectFilter(null, LabelSelector.Everything, FieldSelector.Everything);
        foreach (var obj in store.List(key, everything).Items)
        {
            store.Remove(obj);
        }

        registry.Replace(key, []);
        store.DropWatches(key);
    }

    private JsonObject DesiredStatus(JsonObject crd, JsonObject current)
    {
        var spec = crd["spec"]!;
        var conditions = current["conditions"] as JsonArray ?? [];
        var now = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        JsonNode Condition(string conditionType, string reason, string message)
        {
            var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == conditionType);
            return new JsonObject
            {
                ["type"] = conditionType,
                ["status"] = "True",
                ["lastTransitionTime"] = existing?["status"]?.GetValue<string>() == "True" ? existing["lastTransitionTime"]?.DeepClone() : now,
                ["reason"] = reason,
                ["message"] = message,
            };
        }

        var storedVersions = current["storedVersions"] as JsonArray ?? [];
        var storageVersion = (spec["versions"] as JsonArray)?.FirstOrDefault(v => v?["storage"]?.GetValue<bool>() == true)?["name"]?.GetValue<string>();
        var versions = storedVersions.Select(v => v!.GetValue<string>()).ToList();
        if (storageVersion is not null && !versions.Contains(storageVersion))
        {
            versions.Add(storageVersion);
        }

        return new JsonObject
        {
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted")),
            ["acceptedNames"] = spec["names"]!.DeepClone(),
            ["storedVersions"] = new JsonArray([.. versions.Select(v => (JsonNode)v)]),
        };
    }

    private static List<ResourceType> ServedTypes(JsonObject crd)
    {
        var spec = crd["spec"]!;
        var names = spec["names"]!;
        var group = spec["group"]!.GetValue<string>();
        var plural = names["plural"]!.GetValue<string>();
        var kind = names["kind"]!.GetValue<string>();
        var singular = names["singular"]?.GetValue<string>() is { Length: > 0 } s ? s : kind.ToLowerInvariant();
        var shortNames = Strings(names["shortNames"]);
        var categories = Strings(names["categories"]);
        var namespaced = spec["scope"]?.GetValue<string>() == "Namespaced";
        var result = new List<ResourceType>();
        foreach (var version in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (version["served"]?.GetValue<bool>() != true)
            {
                continue;
            }

            var columns = (version["additionalPrinterColumns"] as JsonArray ?? [])
                .OfType<JsonObject>()
                .Select(c => new PrinterColumn(
                    c["name"]?.GetValue<string>() ?? "",
                    c["type"]?.GetValue<string>() ?? "string",
                    c["jsonPath"]?.GetValue<string>() ?? "",
                    c["description"]?.GetValue<string>() ?? "",
                    c["priority"]?.GetValue<int>() ?? 0,
                    c["format"]?.GetValue<string>()))
                .ToList();
            result.Add(new ResourceType(group, version["name"]!.GetValue<string>(), plural, singular, kind, namespaced)
            {
                ShortNames = shortNames,
                Categories = categories,
                ListKind = names["listKind"]?.GetValue<string>() ?? "",
                HasStatus = version["subresources"]?["status"] is not null,
                TracksGeneration = true,
                ReturnsDeletedObject = true,
                IsCustom = true,
                Schema = version["schema"]?["openAPIV3Schema"]?.DeepClone(),
                PrinterColumns = columns,
            });
        }

        return result;
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(n => n?.GetValue<string>() ?? "")] : [];
}
