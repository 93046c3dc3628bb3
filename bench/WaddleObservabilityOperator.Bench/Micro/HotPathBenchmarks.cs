using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Manifests;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Bench.Micro;

/// <summary>
/// The operator's hot paths on the WaddleBot sample (config/samples/waddlebot): what one service reconcile renders,
/// the policy-wide sampling document at 10 000 services and the policy reconcile's render of them, the env diff of an already injected workload (the steady
/// state: nothing to change), and the owned-field comparison that decides whether a child is written.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private RenderInput _oneService = null!;
    private ObservabilityPolicy _policy = null!;
    private EffectivePolicy _effective = null!;
    private List<ResolvedService> _tenThousand = null!;
    private PolicyRenderInput _policyOfTenThousand = null!;
    private PolicyRenderInput _remotePolicyOfTenThousand = null!;
    private IncrementalPolicyRender _incremental = null!;
    private PolicyRenderInput[] _oneMemberChanged = null!;
    private int _nextChange;
    private ResolvedService _router = null!;
    private V1Deployment _injected = null!;
    private JsonObject _actualMonitor = null!;
    private JsonObject _desiredMonitor = null!;

    [GlobalSetup]
    public void Setup()
    {
        var loaded = ManifestLoader.Load([RepositoryPaths.Of("config", "samples", "waddlebot")]);
        if (!loaded.IsValid)
        {
            throw new InvalidOperationException(string.Join("\n", loaded.Errors));
        }

        var set = loaded.Manifests;
        _policy = set.Policies[0];
        _policy.Metadata.Uid ??= "00000000-0000-0000-0000-000000000001";
        _effective = WaddleBotDefaults.Apply(_policy);
        var service = set.WaddleServices.First(s => s.Metadata.Name == "router");
        var deployment = set.Deployments.First(d => d.Metadata.Name == "router");
        var kubeService = set.Services.Where(s => s.Metadata.Name == "router").ToList();
        // As OperatorCaches.RenderInputFor builds it; ServiceRenderer leaves the managed backends to the policy's render.
        _oneService = new RenderInput([_policy], [service], [deployment], kubeService, new RenderCapabilities(ServiceMonitorApi: true));

        _router = PolicyResolver.Combine(service, _effective);
        var plan = EnvInjectionPlanner.Plan(_router, deployment.Spec.Template.Spec).Plan!;
        _injected = (V1Deployment)WorkloadInjection.Apply(deployment, plan).Workload;

        _tenThousand = [.. Enumerable.Range(0, 10_000).Select(i => PolicyResolver.Combine(new WaddleService
        {
            Metadata = new V1ObjectMeta { Name = $"svc-{i:D5}", NamespaceProperty = "waddlebot" },
            Spec = new WaddleServiceSpec
            {
                Layer = ServiceLayer.Action,
                Workload = new WorkloadReference { Name = $"svc-{i:D5}" },
                Tracing = new ServiceTracing
                {
                    SamplingRatio = i % 10 == 3 ? 0.5 : null,
                    Operations = i % 20 == 7 ? [new OperationSampling { Operation = "POST /events", Ratio = 1 }] : null,
                },
            },
        }, _effective))];

        // As the policy reconciler builds it: every member, no workloads or Services (those are the services' own).
        _policyOfTenThousand = new PolicyRenderInput([_policy], [.. _tenThousand.Select(r => r.Source)]);
        var remoteOnly = KubernetesJson.Deserialize<ObservabilityPolicy>(KubernetesJson.Serialize(_policy));
        remoteOnly.Spec.Backends = null;
        _remotePolicyOfTenThousand = _policyOfTenThousand with { Policies = [remoteOnly] };

        // As the policy reconciler renders after one member's change: the state of the previous render, one service new.
        // Two inputs taking turns, each with one member at a new resourceVersion against the other.
        _incremental = new IncrementalPolicyRender(_policy.Metadata.NamespaceProperty, _policy.Metadata.Name);
        _oneMemberChanged = [.. Enumerable.Range(0, 2).Select(k =>
        {
            var services = _remotePolicyOfTenThousand.Services.ToList();
            var source = services[4242];
            services[4242] = new WaddleService
            {
                Metadata = new V1ObjectMeta { Name = source.Metadata.Name, NamespaceProperty = source.Metadata.NamespaceProperty, ResourceVersion = $"{k + 2}" },
                Spec = new WaddleServiceSpec
                {
                    Layer = source.Spec.Layer,
                    Workload = source.Spec.Workload,
                    Tracing = new ServiceTracing { SamplingRatio = k == 0 ? 0.25 : 0.75 },
                },
            };
            return _remotePolicyOfTenThousand with { Services = services };
        })];
        _incremental.Render(_oneMemberChanged[1]);

        var monitor = ServiceRenderer.Render(_oneService, _policy.Metadata.NamespaceProperty, "router").ServiceMonitor!;
        _desiredMonitor = OwnedObjectWriter.ToNode(monitor);
        // What the API server returns: the desired object plus the fields it sets.
        _actualMonitor = OwnedObjectWriter.ToNode(monitor);
        var metadata = _actualMonitor["metadata"]!.AsObject();
        metadata["uid"] = "6f1c0c8e-0000-4000-8000-000000000000";
        metadata["resourceVersion"] = "12345";
        metadata["generation"] = 1;
        metadata["creationTimestamp"] = "2026-01-01T00:00:00Z";
        metadata["managedFields"] = new JsonArray(new JsonObject { ["manager"] = WellKnown.FieldManager, ["operation"] = "Update" });
    }

    [Benchmark(Description = "render one service (its reconcile)")]
    public ServiceRender RenderOneService() => ServiceRenderer.Render(_oneService, _policy.Metadata.NamespaceProperty, "router");

    [Benchmark(Description = "sampling document, 10 000 services")]
    public SamplingDocumentResult SamplingDocument() => SamplingStrategiesDocument.Render(_policy, _effective, _tenThousand);

    [Benchmark(Description = "policy render, 10 000 services (managed Jaeger and Prometheus)")]
    public PolicyRender PolicyRender() => PolicyRenderer.Render(_policyOfTenThousand, _policy.Metadata.NamespaceProperty, _policy.Metadata.Name);

    [Benchmark(Description = "policy render, 10 000 services (no managed backends)")]
    public PolicyRender PolicyRenderWithoutBackends() => PolicyRenderer.Render(_remotePolicyOfTenThousand, _policy.Metadata.NamespaceProperty, _policy.Metadata.Name);

    [Benchmark(Description = "incremental policy render, 10 000 services, one changed (no managed backends)")]
    public PolicyRender IncrementalPolicyRender() => _incremental.Render(_oneMemberChanged[_nextChange++ % 2]);

    [Benchmark(Description = "env diff of an injected workload")]
    public bool EnvDiff()
    {
        var plan = EnvInjectionPlanner.Plan(_router, _injected.Spec.Template.Spec).Plan!;
        return WorkloadInjection.Apply(_injected, plan).Changed;
    }

    [Benchmark(Description = "owned-field comparison (ServiceMonitor)")]
    public int OwnedFields() => OwnedObjectWriter.OwnedFieldDifferences(_actualMonitor, _desiredMonitor).Count;
}
