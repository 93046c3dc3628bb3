using System.Reflection;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Tests.Rendering;

public sealed class EnvVarJsonTests
{
    private static readonly V1EnvVar[] Entries =
    [
        new() { Name = "PLAIN", Value = "x" },
        new() { Name = "EMPTY", Value = "" },
        new() { Name = "NOTHING" },
        new() { Name = "FIELD", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { ApiVersion = "v1", FieldPath = "metadata.name" } } },
        new() { Name = "SECRET", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "s", Key = "k", Optional = true } } },
        new() { Name = "MAP", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "m", Key = "k", Optional = false } } },
        new() { Name = "CPU", ValueFrom = new V1EnvVarSource { ResourceFieldRef = new V1ResourceFieldSelector { ContainerName = "app", Resource = "limits.cpu", Divisor = new ResourceQuantity("1m") } } },
        new() { Name = "FILE", ValueFrom = new V1EnvVarSource { FileKeyRef = new V1FileKeySelector { VolumeName = "v", Path = "env", Key = "K", Optional = true } } },
    ];

    [Fact]
    public void An_entry_is_written_as_the_clients_serializer_writes_it()
    {
        foreach (var entry in Entries)
        {
            var expected = JsonNode.Parse(KubernetesJson.Serialize(entry));
            Assert.True(JsonNode.DeepEquals(expected, EnvVarJson.ToNode(entry)), $"{entry.Name}: {EnvVarJson.ToNode(entry).ToJsonString()}, the client writes {expected!.ToJsonString()}");
        }
    }

    /// <summary>Every property of the env models is set by some entry above: a field a client upgrade adds fails here until EnvVarJson writes it.</summary>
    [Fact]
    public void The_entries_above_cover_every_field_of_the_env_models()
    {
        var unset = new List<string>();
        void Visit(Type type, IEnumerable<object> values)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var set = values.Select(v => property.GetValue(v)).Where(v => v is not null).ToList();
                if (set.Count == 0)
                {
                    unset.Add($"{type.Name}.{property.Name}");
                }
                else if (property.PropertyType.Namespace == "k8s.Models" && property.PropertyType != typeof(ResourceQuantity))
                {
                    Visit(property.PropertyType, set!);
                }
            }
        }

        Visit(typeof(V1EnvVar), Entries);

        Assert.Empty(unset);
    }
}
