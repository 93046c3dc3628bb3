using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Chaos;

/// <summary>
/// The checks every scenario ends with, beyond equality with the fault-free run: the user's env is intact in every
/// container; the user's Services and ConfigMap were never written by the operator; every object the operator manages
/// has a living owner (nothing orphaned) and no container holds a variable twice (nothing duplicated); no operator
/// crashed or stopped on its own; a killed instance made no request after its death.
/// </summary>
public static class NothingLost
{
    public static void Check(ChaosRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        UserEnvIntact(run);
        ForeignObjectsUntouched(run);
        NoOrphansOrDuplicates(run);
        OperatorsHealthy(run);
    }

    private static void UserEnvIntact(ChaosRun run)
    {
        var deployments = run.Stored("deployments", run.System.Namespace).ToDictionary(d => d["metadata"]!["name"]!.GetValue<string>());
        foreach (var ((deployment, container), userEnv) in run.System.UserEnv())
        {
            if (!deployments.TryGetValue(deployment, out var stored))
            {
                run.Violation($"Deployment {deployment} of the user is gone");
                continue;
            }

            var actual = KubernetesJson.Deserialize<V1Deployment>(stored.ToJsonString()).Spec.Template.Spec.Containers.FirstOrDefault(c => c.Name == container)?.Env?.ToList() ?? [];
            var names = actual.Select(e => e.Name).ToList();
            foreach (var duplicate in names.GroupBy(n => n).Where(g => g.Count() > 1))
            {
                run.Violation($"Deployment {deployment} container {container} holds {duplicate.Key} {duplicate.Count()} times");
            }

            var kept = actual.Where(e => userEnv.Any(u => u.Name == e.Name)).Select(Describe).ToList();
            var wanted = userEnv.Select(Describe).ToList();
            if (!kept.SequenceEqual(wanted))
            {
                run.Violation($"Deployment {deployment} container {container}: the user's env was [{string.Join(", ", wanted)}], is [{string.Join(", ", kept)}]");
            }
        }
    }

    private static void ForeignObjectsUntouched(ChaosRun run)
    {
        var foreign = run.System.Manifests.Services.Select(s => ("services", s.Metadata.Name))
            .Append(("configmaps", ChaosRun.ForeignConfigMap().Metadata.Name)).ToHashSet();
        foreach (var write in run.Cluster.Api.Requests.Snapshot().Where(r => ChaosCluster.IsWrite(r) && r.UserAgent?.Contains($"({ChaosRun.OperatorPrefix}", StringComparison.Ordinal) == true))
        {
            if (write.Namespace == run.System.Namespace && write.Name is { } name && foreign.Contains((write.Resource, name)))
            {
                run.Violation($"the operator wrote the user's {write.Resource} {name} ({write.Method} {write.Status})");
            }
        }

        var notes = run.Stored("configmaps", run.System.Namespace).FirstOrDefault(c => c["metadata"]!["name"]!.GetValue<string>() == ChaosRun.ForeignConfigMap().Metadata.Name);
        if (notes is null || !JsonNode.DeepEquals(notes["data"], JsonNode.Parse(KubernetesJson.Serialize(ChaosRun.ForeignConfigMap().Data))))
        {
            run.Violation("the user's ConfigMap waddlebot-team-notes is gone or changed");
        }
    }

    private static void NoOrphansOrDuplicates(ChaosRun run)
    {
        var ns = run.System.Namespace;
        var all = new[] { "deployments", "services", "configmaps", "serviceaccounts", "roles", "rolebindings", "networkpolicies", "servicemonitors", "waddleservices", "observabilitypolicies" }
            .SelectMany(plural => run.Stored(plural, ns).Select(o => (plural, o))).ToList();
        var uids = all.Select(x => x.o["metadata"]!["uid"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        foreach (var (plural, obj) in all)
        {
            var meta = obj["metadata"]!;
            var managed = meta["labels"]?[WellKnown.ManagedByLabel]?.GetValue<string>() == WellKnown.ManagedByValue;
            if (!managed)
            {
                continue;
            }

            var owners = (meta["ownerReferences"] as JsonArray)?.Select(o => o?["uid"]?.GetValue<string>()).ToList() ?? [];
            if (owners.Count == 0 || !owners.Any(o => o is not null && uids.Contains(o)))
            {
                run.Violation($"{plural}/{meta["name"]} is managed by the operator but its owner is gone (orphaned)");
            }
        }
    }

    private static void OperatorsHealthy(ChaosRun run)
    {
        var requests = run.Cluster.Api.Requests.Snapshot();
        foreach (var op in run.Cluster.Operators)
        {
            if (op.Crash is { } crash)
            {
                run.Violation($"operator {op.Identity} crashed: {crash.GetBaseException().GetType().Name}: {crash.GetBaseException().Message}");
            }

            if (op.EndedOnItsOwn)
            {
                run.Violation($"operator {op.Identity} stopped running although nobody stopped it");
            }

            // Logged on arrival; a request the dying client had already sent may arrive a moment later.
            if (op.KilledAt is { } killed && requests.FirstOrDefault(r => ChaosCluster.IsBy(r, op.Identity) && r.Time > killed + TimeSpan.FromSeconds(0.5)) is { } late)
            {
                run.Violation($"operator {op.Identity} was killed at {killed:HH:mm:ss.fff} but still sent {late.Method} {late.Path} at {late.Time:HH:mm:ss.fff}");
            }
        }
    }

    private static string Describe(V1EnvVar e) => $"{e.Name}={e.Value}{(e.ValueFrom is null ? "" : KubernetesJson.Serialize(e.ValueFrom))}";
}
