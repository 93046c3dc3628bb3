using k8s;
using k8s.Autorest;
using k8s.Models;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>The event types Kubernetes knows.</summary>
public enum EventSeverity
{
    Normal,
    Warning,
}

/// <summary>
/// Publishes events.k8s.io/v1 Events about the operator's objects, for what a user must know (injected, conflict,
/// invalid). Reconcilers call it only when something changed, so a converged cluster sees no event writes.
/// A failed event is logged and dropped: events are advisory and must never fail a reconcile.
/// </summary>
public sealed class EventRecorder(Kubernetes client, string reportingInstance, TimeProvider clock, ILogger<EventRecorder> logger)
{
    private readonly IResourceClient<Eventsv1Event> _events = new ResourceClients(client, new ResourceTypeRegistry()).For<Eventsv1Event>();

    public async Task RecordAsync(
        IKubernetesObject<V1ObjectMeta> regarding, EventSeverity severity, string reason, string action, string note, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var meta = regarding.Metadata;
        var ev = new Eventsv1Event
        {
            Metadata = new V1ObjectMeta
            {
                // client-go's naming: the object's name and a unique suffix from the time.
                Name = EventName(meta.Name, now),
                NamespaceProperty = meta.NamespaceProperty,
            },
            EventTime = now,
            ReportingController = WellKnown.FieldManager,
            ReportingInstance = reportingInstance,
            Action = action,
            Reason = reason,
            Type = severity.ToString(),
            // The API limits a note to 1 kB.
            Note = note.Length > 1024 ? note[..1021] + "..." : note,
            Regarding = new V1ObjectReference
            {
                ApiVersion = regarding.ApiVersion,
                Kind = regarding.Kind,
                Name = meta.Name,
                NamespaceProperty = meta.NamespaceProperty,
                Uid = meta.Uid,
                ResourceVersion = meta.ResourceVersion,
            },
        };

        // An Event is sent once: a 429 is waited out here, not handed back to the reconcile (which would not send it again).
        ApiThrottling.Wait();
        try
        {
            await _events.CreateAsync(meta.NamespaceProperty, ev, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            logger.LogWarning("Could not record event {Reason} on {Kind} {Namespace}/{Name}: HTTP {Status}",
                reason, regarding.Kind, meta.NamespaceProperty, meta.Name, (int?)e.Response?.StatusCode);
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning("Could not record event {Reason} on {Kind} {Namespace}/{Name}: {Error}",
                reason, regarding.Kind, meta.NamespaceProperty, meta.Name, e.Message);
        }
    }

    /// <summary>The object's name and a timestamp, as client-go names events; a name near the 253-character limit is cut so the event still fits.</summary>
    internal static string EventName(string name, DateTime now)
    {
        var suffix = $".{now.Ticks:x}";
        return (name.Length + suffix.Length > 253 ? name[..(253 - suffix.Length)].TrimEnd('.', '-') : name) + suffix;
    }
}
