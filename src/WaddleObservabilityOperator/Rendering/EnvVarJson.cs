using System.Text.Json.Nodes;
using k8s.Models;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>
/// An env entry as the JSON the API server stores (names as in k8s.io/api core/v1, absent fields left out), written
/// field by field so a patch needs no reflection-based serializer. Covers every field of <see cref="V1EnvVar"/> and its
/// sources (EnvVarJsonTests checks that against the client's models, so a field added by a client upgrade fails there).
/// </summary>
public static class EnvVarJson
{
    public static JsonObject ToNode(V1EnvVar entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var node = new JsonObject { ["name"] = entry.Name };
        Set(node, "value", entry.Value);
        if (entry.ValueFrom is { } from)
        {
            var source = new JsonObject();
            if (from.ConfigMapKeyRef is { } configMap)
            {
                source["configMapKeyRef"] = Object(("key", configMap.Key), ("name", configMap.Name), ("optional", configMap.Optional));
            }

            if (from.FieldRef is { } field)
            {
                source["fieldRef"] = Object(("apiVersion", field.ApiVersion), ("fieldPath", field.FieldPath));
            }

            if (from.FileKeyRef is { } file)
            {
                source["fileKeyRef"] = Object(("key", file.Key), ("optional", file.Optional), ("path", file.Path), ("volumeName", file.VolumeName));
            }

            if (from.ResourceFieldRef is { } resource)
            {
                source["resourceFieldRef"] = Object(("containerName", resource.ContainerName), ("divisor", resource.Divisor?.ToString()), ("resource", resource.Resource));
            }

            if (from.SecretKeyRef is { } secret)
            {
                source["secretKeyRef"] = Object(("key", secret.Key), ("name", secret.Name), ("optional", secret.Optional));
            }

            node["valueFrom"] = source;
        }

        return node;
    }

    private static JsonObject Object(params (string Name, object? Value)[] fields)
    {
        var node = new JsonObject();
        foreach (var (name, value) in fields)
        {
            switch (value)
            {
                case string text:
                    node[name] = text;
                    break;
                case bool flag:
                    node[name] = flag;
                    break;
            }
        }

        return node;
    }

    private static void Set(JsonObject node, string name, string? value)
    {
        if (value is not null)
        {
            node[name] = value;
        }
    }
}
