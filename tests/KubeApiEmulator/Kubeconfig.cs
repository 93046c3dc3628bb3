using k8s;
using k8s.KubeConfigModels;

namespace KubeApiEmulator;

/// <summary>A kubeconfig that points kubectl, helm and KubernetesClient at the emulator.</summary>
internal static class Kubeconfig
{
    public const string ContextName = "kube-api-emulator";

    public static K8SConfiguration For(string url) => new()
    {
        ApiVersion = "v1",
        Kind = "Config",
        CurrentContext = ContextName,
        Clusters = [new Cluster { Name = ContextName, ClusterEndpoint = new ClusterEndpoint { Server = url } }],
        // kubectl and helm want some credential; the emulator accepts any.
        Users = [new User { Name = ContextName, UserCredentials = new UserCredentials { Token = "emulator" } }],
        Contexts = [new Context { Name = ContextName, ContextDetails = new ContextDetails { Cluster = ContextName, User = ContextName, Namespace = "default" } }],
    };

    public static void Write(string url, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, KubernetesYaml.Serialize(For(url)));
    }
}
