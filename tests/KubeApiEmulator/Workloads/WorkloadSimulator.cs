using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using KubeApiEmulator.Registry;
using KubeApiEmulator.Selectors;
using KubeApiEmulator.Storage;
using KubeApiEmulator.Watch;

namespace KubeApiEmulator.Workloads;

/// <summary>
/// What the apps controllers and the kubelet would write into a Deployment's, StatefulSet's or DaemonSet's status,
/// without pods: after each change of its spec (a new generation) and <see cref="RolloutTime"/>, the status reports
/// that generation rolled out, every replica ready and available (a DaemonSet on one node). A test can make one stuck
/// (<see cref="Stick"/>: its pods never get ready, as with an image that cannot be pulled): then the status reports the
/// generation observed, no replica ready and, for a Deployment, <c>Progressing</c> False with reason
/// <c>ProgressDeadlineExceeded</c>, as the deployment controller reports once <c>progressDeadlineSeconds</c> pass.
/// As the kubelet, it also never gets pods ready whose environment names a Secret or key that does not exist (not
/// optional), until the Secret appears. Off unless <see cref="ApiEmulatorOptions.SimulateWorkloads"/> is set, like
/// envtest, which runs no controllers.
/// </summary>
public sealed class WorkloadSimulator : IAsyncDisposable
{
    private static readonly string[] Plurals = ["deployments", "statefulsets", "daemonsets"];

    private readonly ObjectStore _store;
    private readonly ResourceRegistry _registry;
    private readonly ObjectWriter _writer;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string Plural, ObjectKey Key), string> _stuck = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _logger;

    internal WorkloadSimulator(ObjectStore store, ResourceRegistry registry, ObjectWriter writer, TimeProvider time, bool enabled, ILogger logger)
    {
        _store = store;
        _registry = registry;
        _writer = writer;
        _time = time;
        _logger = logger;
        Enabled = enabled;
        if (enabled)
        {
            store.Committed += OnCommitted;
        }
    }

    public bool Enabled { get; }

    /// <summary>How long a rollout takes before the status reports it (the pods' start, in a real cluster).</summary>
    public TimeSpan RolloutTime { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>From now on the workload's pods never get ready: its status says why (<paramref name="message"/>, e.g. an image pull failure).</summary>
    public void Stick(string plural, string ns, string name, string message)
    {
        _stuck[(Check(plural), new ObjectKey(ns, name))] = message;
        Reconcile(plural, ns, name);
    }

    /// <summary>The workload's pods can get ready again (the image was fixed); its status follows after <see cref="RolloutTime"/>.</summary>
    public void Release(string plural, string ns, string name)
    {
        _stuck.TryRemove((Check(plural), new ObjectKey(ns, name)), out _);
        Reconcile(plural, ns, name);
    }

    public async ValueTask DisposeAsync()
    {
        _store.Committed -= OnCommitted;
        await _stop.CancelAsync();
        _stop.Dispose();
    }

    private static string Check(string plural) =>
        Plurals.Contains(plural) ? plural : throw new ArgumentException($"{plural} is not a workload kind the simulator knows ({string.Join(", ", Plurals)})", nameof(plural));

    /// <summary>Runs inside the store's commit lock: a new or changed spec (generation) schedules a status.</summary>
    private void OnCommitted(LoggedChange change)
    {
        var obj = change.Object;
        if (obj.Type.Group == "" && obj.Type.Plural == "secrets")
        {
            // A Secret appearing, changing or going may let a waiting pod start (or stop the next one): look again.
            foreach (var plural in Plurals)
            {
                var type = _registry.Find("apps", "v1", plural);
                foreach (var workload in type is null ? [] : _store.List(type.StorageKey, new ObjectFilter(obj.Namespace, LabelSelector.Everything, FieldSelector.Everything)).Items)
                {
                    Reconcile(plural, workload.Namespace, workload.Name);
                }
            }

            return;
        }

        if (obj.Type.Group != "apps" || !Plurals.Contains(obj.Type.Plural) || change.Type == WatchEvent.Deleted || obj.IsDeleting)
        {
            return;
        }

        if (change.Previous is { } previous && Generation(previous) == Generation(obj))
        {
            return;
        }

        Reconcile(obj.Type.Plural, obj.Namespace, obj.Name);
    }

    private void Reconcile(string plural, string ns, string name) => _ = Task.Run(async () =>
    {
        try
        {
            await Task.Delay(RolloutTime, _time, _stop.Token).ConfigureAwait(false);
            var type = _registry.Find("apps", "v1", plural);
            if (type is null || _store.Get(type.StorageKey, new ObjectKey(ns, name)) is not { } current)
            {
                return;
            }

            var stuck = _stuck.TryGetValue((plural, new ObjectKey(ns, name)), out var message) ? message : MissingSecret(current);
            _writer.Mutate(current, obj => WithStatus(plural, obj, stuck), "status");
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Could not write the simulated status of {Plural} {Namespace}/{Name}", plural, ns, name);
        }
    });

    /// <summary>
    /// What the kubelet reports when a container's environment names a Secret (or a key of one) that does not exist and
    /// is not optional: the container cannot be created (CreateContainerConfigError), so the pod never gets ready.
    /// </summary>
    private string? MissingSecret(StoredObject workload)
    {
        var secrets = _registry.Find("", "v1", "secrets");
        var containers = JsonNode.Parse(workload.Json)?["spec"]?["template"]?["spec"]?["containers"]?.AsArray() ?? [];
        foreach (var env in containers.SelectMany(c => c?["env"]?.AsArray() ?? []))
        {
            if (env?["valueFrom"]?["secretKeyRef"] is not JsonObject reference || reference["optional"]?.GetValue<bool>() == true)
            {
                continue;
            }

            var secretName = reference["name"]?.GetValue<string>() ?? "";
            var key = reference["key"]?.GetValue<string>() ?? "";
            var secret = secrets is null ? null : _store.Get(secrets.StorageKey, new ObjectKey(workload.Namespace, secretName));
            if (secret is null)
            {
                return $"CreateContainerConfigError: secret \"{secretName}\" not found";
            }

            var data = JsonNode.Parse(secret.Json);
            if (data?["data"]?[key] is null && data?["stringData"]?[key] is null)
            {
                return $"CreateContainerConfigError: couldn't find key {key} in Secret {workload.Namespace}/{secretName}";
            }
        }

        return null;
    }

    private static long Generation(StoredObject obj) => JsonNode.Parse(obj.Json)?["metadata"]?["generation"]?.GetValue<long>() ?? 0;

    private JsonObject WithStatus(string plural, JsonObject obj, string? stuck)
    {
        var generation = obj["metadata"]?["generation"]?.GetValue<long>() ?? 1;
        var replicas = plural == "daemonsets" ? 1 : obj["spec"]?["replicas"]?.GetValue<int>() ?? 1;
        var ready = stuck is null ? replicas : 0;
        var now = _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? "";
        obj["status"] = plural switch
        {
            "deployments" => new JsonObject
            {
                ["observedGeneration"] = generation,
                ["replicas"] = replicas,
                ["updatedReplicas"] = replicas,
                ["readyReplicas"] = ready,
                ["availableReplicas"] = ready,
                ["unavailableReplicas"] = replicas - ready,
                ["conditions"] = new JsonArray
                {
                    Condition("Available", ready == replicas, ready == replicas ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                        ready == replicas ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now),
                    stuck is null
                        ? Condition("Progressing", true, "NewReplicaSetAvailable", $"ReplicaSet \"{name}\" has successfully progressed.", now)
                        : Condition("Progressing", false, "ProgressDeadlineExceeded", $"ReplicaSet \"{name}\" has timed out progressing. {stuck}", now),
                },
            },
            "statefulsets" => new JsonObject
            {
                ["observedGeneration"] = generation,
                ["replicas"] = replicas,
                ["currentReplicas"] = replicas,
                ["updatedReplicas"] = replicas,
                ["readyReplicas"] = ready,
                ["availableReplicas"] = ready,
                ["currentRevision"] = $"{name}-{generation}",
                ["updateRevision"] = $"{name}-{generation}",
            },
            _ => new JsonObject
            {
                ["observedGeneration"] = generation,
                ["desiredNumberScheduled"] = 1,
                ["currentNumberScheduled"] = 1,
                ["updatedNumberScheduled"] = 1,
                ["numberReady"] = ready,
                ["numberAvailable"] = ready,
                ["numberUnavailable"] = 1 - ready,
                ["numberMisscheduled"] = 0,
            },
        };
        return obj;
    }

    private static JsonObject Condition(string type, bool status, string reason, string message, string now) => new()
    {
        ["type"] = type,
        ["status"] = status ? "True" : "False",
        ["reason"] = reason,
        ["message"] = message,
        ["lastUpdateTime"] = now,
        ["lastTransitionTime"] = now,
    };
}
