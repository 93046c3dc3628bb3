using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>
/// The whole system, for the offline <c>render</c>: the shared resolution step, then <see cref="ServiceRenderer"/> for
/// every WaddleService and <see cref="PolicyRenderer"/> for every policy, composed into every desired object, the patched
/// workloads and the outcomes. The reconcilers call their own renderer instead. Pure and deterministic: the same input
/// gives the same output, in the same order.
/// </summary>
public static class SystemRenderer
{
    /// <summary>The message of a WaddleService's True Ready.</summary>
    public const string ServiceReadyMessage = ServiceRenderer.ReadyMessage;

    public static RenderOutput Render(RenderInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var resolution = Resolution.Resolve(input.Policies, input.Services);
        var workloads = new WorkloadIndex(input.Workloads);
        var claims = resolution.Claims(workloads);
        var services = ServiceIndex.Of(input.KubernetesServices);
        var objects = new List<IKubernetesObject<V1ObjectMeta>>();
        var workloadChanges = new List<WorkloadChange>();

        var drafts = resolution.Services.Select(s => new ServiceDraft(s.Service, s.Resolution)).ToList();
        foreach (var draft in drafts)
        {
            objects.AddRange(ServiceRenderer.RenderChildren(draft, workloads, claims, services, input.Capabilities, workloadChanges).Select(c => c.Object));
        }

        ServiceRenderer.RemoveStaleInjections(input.Workloads, [.. drafts.Select(d => d.Service)], workloadChanges);

        var policyOutcomes = new List<PolicyOutcome>();
        var byPolicy = drafts
            .Where(d => d.Resolution.Policy is not null)
            .GroupBy(d => (Namespace: d.Resolution.Policy!.Metadata.NamespaceProperty ?? "", Name: d.Resolution.Policy!.Metadata.Name))
            .ToDictionary(g => g.Key, g => g.ToList());
        foreach (var policy in input.Policies
            .OrderBy(p => p.Metadata.NamespaceProperty ?? "", StringComparer.Ordinal)
            .ThenBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            var key = (Namespace: policy.Metadata.NamespaceProperty ?? "", Name: policy.Metadata.Name);
            var members = byPolicy.GetValueOrDefault(key) ?? [];
            var rendered = PolicyRenderer.Render(policy, resolution.Resolver, [.. members.Select(m => new ServiceResolution(m.Service, m.Resolution))], input.ClusterFactsOf(key.Namespace));
            objects.AddRange(rendered.Objects);
            foreach (var member in members)
            {
                member.SamplingPublished = rendered.MemberSampling.GetValueOrDefault(member.Service.Metadata.Name);
            }

            policyOutcomes.Add(rendered.Outcome);
        }

        foreach (var draft in drafts.Where(d => d.Resolution.Succeeded && d.Resolution.Policy is null))
        {
            draft.SamplingPublished ??= ServiceRenderer.DefaultSampling(draft.Resolution.Service!);
        }

        return new RenderOutput(
            ObjectOrder.Sort(objects),
            [.. ServiceRenderer.Ordered(workloadChanges)],
            [.. drafts.Select(d => d.ToOutcome())],
            policyOutcomes);
    }
}
