using System.Globalization;
using System.Text;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Tests.Rendering;

/// <summary>
/// <see cref="IncrementalPolicyRender"/> gives, render after render, what a full render of the same input gives (to the
/// byte: every object serialized, every outcome and condition), while resolving only the WaddleServices that changed.
/// </summary>
public sealed class IncrementalPolicyRenderTests
{
    private const string Ns = Sample.Namespace;

    private static readonly string[] Policies = ["default", "action-tier", "canary"];

    /// <summary>What a WaddleService is made of here, so that a change is a new object with a new resourceVersion.</summary>
    private sealed record ServiceShape(
        ServiceLayer Layer,
        bool Canary,
        string? ServiceName,
        bool? Traced,
        double? Ratio,
        string? Operation,
        string? PolicyRef,
        bool Slo);

    private sealed class World
    {
        private long _version = 100;

        public Dictionary<string, ObservabilityPolicy> Policies { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, WaddleService> Services { get; } = new(StringComparer.Ordinal);

        public string NextVersion() => (++_version).ToString(CultureInfo.InvariantCulture);

        public PolicyRenderInput Input() => new([.. Policies.Values], [.. Services.Values]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Random_adds_edits_and_removes_render_as_a_full_render_does(int seed)
    {
        var random = new Random(seed);
        var world = new World();
        foreach (var name in Policies)
        {
            world.Policies[name] = Policy(name, generation: 1, defaultRatio: 0.1, world.NextVersion());
        }

        var renders = Policies.ToDictionary(p => p, p => new IncrementalPolicyRender(Ns, p), StringComparer.Ordinal);

        // What the renders last saw: a service not there or another object is changed; one gone was removed.
        var rendered = new Dictionary<string, WaddleService>(StringComparer.Ordinal);
        var policyChangedSince = true;
        var incremental = 0;

        for (var step = 0; step < 160; step++)
        {
            var roll = random.Next(100);
            var names = world.Services.Keys.Order(StringComparer.Ordinal).ToList();
            if (roll < 35 || names.Count < 3)
            {
                // Add (a name from a small pool, so that names come back after a removal).
                var name = $"svc-{random.Next(40):D2}";
                if (world.Services.ContainsKey(name))
                {
                    continue;
                }

                world.Services[name] = Service(name, RandomShape(random), world.NextVersion(), uid: $"uid-{name}-{step}");
            }
            else if (roll < 65)
            {
                // A spec or label edit: its layer, canary label, service name, sampling or policyRef may move.
                var name = names[random.Next(names.Count)];
                world.Services[name] = Service(name, RandomShape(random), world.NextVersion(), world.Services[name].Metadata.Uid);
            }
            else if (roll < 75)
            {
                // Its own status write: a new resourceVersion, the same spec.
                var name = names[random.Next(names.Count)];
                var before = world.Services[name];
                var after = Service(name, ShapeOf(before), world.NextVersion(), before.Metadata.Uid);
                after.Status = new WaddleServiceStatus { ObservedGeneration = after.Metadata.Generation, Policy = "whatever" };
                world.Services[name] = after;
            }
            else if (roll < 87)
            {
                var name = names[random.Next(names.Count)];
                world.Services.Remove(name);
            }
            else if (roll < 92)
            {
                // A policy's status write: a new resourceVersion at the same generation.
                var name = Policies[random.Next(Policies.Length)];
                var before = world.Policies[name];
                var after = Policy(name, before.Metadata.Generation!.Value, before.Spec.Tracing!.Sampling!.DefaultRatio!.Value, world.NextVersion());
                after.Status = new ObservabilityPolicyStatus { MatchedServices = 3 };
                world.Policies[name] = after;
            }
            else if (roll < 95)
            {
                // A policy's spec edit: its default ratio (which services differ from it) at the next generation.
                var name = Policies[random.Next(Policies.Length)];
                var before = world.Policies[name];
                world.Policies[name] = Policy(name, before.Metadata.Generation!.Value + 1, random.Next(2) == 0 ? 0.1 : 0.5, world.NextVersion());
                policyChangedSince = true;
            }

            // Several changes sometimes reach one render, as a debounce gathers them.
            if (random.Next(100) < 30 && step < 159)
            {
                continue;
            }

            var input = world.Input();
            var removedSince = rendered.Keys.Any(name => !world.Services.ContainsKey(name));
            var changedSince = world.Services.Count(s => !rendered.TryGetValue(s.Key, out var seen) || !ReferenceEquals(seen, s.Value));
            foreach (var (name, render) in renders)
            {
                var expected = Dump(PolicyRenderer.Render(input, Ns, name));
                var actual = Dump(render.Render(input));
                Assert.Equal(expected, actual);

                var last = render.LastStep!;
                if (policyChangedSince || removedSince)
                {
                    Assert.Equal(PolicyRenderPath.Full, last.Path);
                }
                else
                {
                    Assert.Equal(PolicyRenderPath.Incremental, last.Path);
                    Assert.Equal(changedSince, last.Resolved);
                    incremental++;
                }
            }

            rendered = new Dictionary<string, WaddleService>(world.Services, StringComparer.Ordinal);
            policyChangedSince = false;
        }

        // Most renders were incremental: the test compares that path, not only full renders with each other.
        Assert.True(incremental > 60, $"only {incremental} incremental renders");
    }

    [Fact]
    public void A_member_edit_re_resolves_that_member_only_and_is_in_the_document()
    {
        var world = new World();
        world.Policies["default"] = Policy("default", 1, 0.1, world.NextVersion());
        for (var i = 0; i < 50; i++)
        {
            var name = $"svc-{i:D2}";
            world.Services[name] = Service(name, new ServiceShape(ServiceLayer.Core, false, null, true, null, null, null, false), world.NextVersion(), $"uid-{name}");
        }

        var render = new IncrementalPolicyRender(Ns, "default");
        var first = render.Render(world.Input());
        Assert.Equal(PolicyRenderPath.Full, render.LastStep!.Path);
        Assert.Equal("first render", render.LastStep.Reason);
        Assert.DoesNotContain("svc-17", SamplingJson(first), StringComparison.Ordinal);

        world.Services["svc-17"] = Service("svc-17", new ServiceShape(ServiceLayer.Core, false, null, true, 0.75, null, null, false), world.NextVersion(), "uid-svc-17");
        var second = render.Render(world.Input());

        Assert.Equal(new PolicyRenderStep(PolicyRenderPath.Incremental, "1 WaddleServices added or changed", 1), render.LastStep);
        Assert.Contains("{\"service\":\"svc-17\",\"type\":\"probabilistic\",\"param\":0.75}", SamplingJson(second), StringComparison.Ordinal);
        Assert.Equal(Reasons.Published, second.MemberSampling["svc-17"].Reason);
        Assert.Equal(Dump(PolicyRenderer.Render(world.Input(), Ns, "default")), Dump(second));

        // Nothing changed: nothing resolved, the very same render (its objects the instances the writer compared).
        var third = render.Render(world.Input());
        Assert.Equal(new PolicyRenderStep(PolicyRenderPath.Incremental, "nothing changed since the last render", 0), render.LastStep);
        Assert.Same(second, third);

        // What the render reads besides the members moves: rendered again, as a full render would.
        var cluster = new ClusterFacts(true, new NamespaceFacts(Ns, "restricted"));
        var withFacts = render.Render(world.Input() with { Cluster = cluster });
        Assert.NotSame(second, withFacts);
        Assert.Equal(new PolicyRenderStep(PolicyRenderPath.Incremental, "no WaddleService changed", 0), render.LastStep);
        Assert.Equal(Dump(PolicyRenderer.Render(world.Input() with { Cluster = cluster }, Ns, "default")), Dump(withFacts));
        Assert.Same(withFacts, render.Render(world.Input() with { Cluster = cluster with { } }));

        var policy = world.Policies["default"];
        world.Policies["default"] = Policy("default", policy.Metadata.Generation ?? 1, 0.1, world.NextVersion());
        Assert.NotSame(withFacts, render.Render(world.Input() with { Cluster = cluster }));
    }

    [Fact]
    public void A_removal_or_a_policy_edit_renders_in_full_and_a_policy_status_write_does_not()
    {
        var world = new World();
        world.Policies["default"] = Policy("default", 1, 0.1, world.NextVersion());
        foreach (var name in new[] { "a", "b", "c" })
        {
            world.Services[name] = Service(name, new ServiceShape(ServiceLayer.Core, false, null, true, 0.3, null, null, false), world.NextVersion(), $"uid-{name}");
        }

        var render = new IncrementalPolicyRender(Ns, "default");
        render.Render(world.Input());

        world.Services.Remove("b");
        var afterRemoval = render.Render(world.Input());
        Assert.Equal(new PolicyRenderStep(PolicyRenderPath.Full, "a WaddleService went away", 2), render.LastStep);
        Assert.Equal(2, afterRemoval.Outcome.MatchedServices);

        var status = Policy("default", 1, 0.1, world.NextVersion());
        status.Status = new ObservabilityPolicyStatus { MatchedServices = 2 };
        world.Policies["default"] = status;
        render.Render(world.Input());
        Assert.Equal(PolicyRenderPath.Incremental, render.LastStep!.Path);

        world.Policies["default"] = Policy("default", 2, 0.3, world.NextVersion());
        var afterEdit = render.Render(world.Input());
        Assert.Equal(new PolicyRenderStep(PolicyRenderPath.Full, "a policy of the namespace changed", 2), render.LastStep);
        Assert.Equal(Dump(PolicyRenderer.Render(world.Input(), Ns, "default")), Dump(afterEdit));
        Assert.All(afterEdit.MemberSampling.Values, o => Assert.Equal(Reasons.DefaultSampling, o.Reason));

        render.Invalidate();
        render.Render(world.Input());
        Assert.Equal(PolicyRenderPath.Full, render.LastStep!.Path);
    }

    private static ServiceShape RandomShape(Random random) => new(
        Layer: random.Next(3) switch { 0 => ServiceLayer.Action, 1 => ServiceLayer.Core, _ => ServiceLayer.Processing },
        Canary: random.Next(4) == 0,
        ServiceName: random.Next(5) switch { 0 => "shared-a", 1 => "shared-b", _ => null },
        Traced: random.Next(10) switch { 0 => false, 1 => null, _ => true },
        Ratio: random.Next(10) switch { 0 or 1 or 2 => null, 3 => 1.5, 4 or 5 => 0.1, 6 => 0.2, _ => 0.5 },
        Operation: random.Next(6) switch { 0 => "POST /events", 1 => "GET /health", _ => null },
        PolicyRef: random.Next(12) switch { 0 => "default", 1 => "missing", _ => null },
        Slo: random.Next(8) == 0);

    private static ServiceShape ShapeOf(WaddleService service) => new(
        service.Spec.Layer,
        service.Metadata.Labels?.ContainsKey("track") == true,
        service.Spec.ServiceName,
        service.Spec.Tracing?.Enabled,
        service.Spec.Tracing?.SamplingRatio,
        service.Spec.Tracing?.Operations?.FirstOrDefault()?.Operation,
        service.Spec.PolicyRef?.Name,
        service.Spec.Slos is { Count: > 0 });

    private static WaddleService Service(string name, ServiceShape shape, string resourceVersion, string uid)
    {
        var service = Sample.Service(name, shape.Layer, s =>
        {
            s.ServiceName = shape.ServiceName;
            s.Tracing = new ServiceTracing
            {
                Enabled = shape.Traced,
                SamplingRatio = shape.Ratio,
                Operations = shape.Operation is null ? null : [new OperationSampling { Operation = shape.Operation, Ratio = shape.Operation == "GET /health" ? 0.05 : 1 }],
            };
            s.PolicyRef = shape.PolicyRef is null ? null : new LocalObjectReference { Name = shape.PolicyRef };
            s.Slos = shape.Slo ? [new ServiceLevelObjective { Name = "availability", Objective = 99.5 }] : null;
        }, shape.Canary ? new Dictionary<string, string> { ["track"] = "canary" } : null);
        service.Metadata.ResourceVersion = resourceVersion;
        service.Metadata.Uid = uid;
        return service;
    }

    /// <summary>
    /// Three policies: every service (priority 0, managed Jaeger and Prometheus), the action layer (priority 10), and the
    /// canary-labelled services (priority 10, so an action canary is claimed by two: a PolicyConflict note).
    /// </summary>
    private static ObservabilityPolicy Policy(string name, long generation, double defaultRatio, string resourceVersion)
    {
        var policy = Sample.Policy(name, p =>
        {
            p.Tracing = new TracingPolicy
            {
                Sampling = new SamplingPolicy
                {
                    Mode = SamplingMode.Remote,
                    DefaultRatio = defaultRatio,
                    Operations = [new OperationSampling { Operation = "GET /health", Ratio = 0.05 }],
                },
            };
            switch (name)
            {
                case "default":
                    p.Priority = 0;
                    p.Backends = new BackendsPolicy { Jaeger = new JaegerBackend { Managed = true }, Prometheus = new PrometheusBackend { Managed = true } };
                    break;
                case "action-tier":
                    p.Priority = 10;
                    p.Layers = [ServiceLayer.Action];
                    break;
                default:
                    p.Priority = 10;
                    p.Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["track"] = "canary" } };
                    break;
            }
        });
        policy.Metadata.Generation = generation;
        policy.Metadata.ResourceVersion = resourceVersion;
        return policy;
    }

    private static string SamplingJson(PolicyRender render) =>
        render.Objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == ChildNames.SamplingConfigMap(render.Outcome.Name)).Data[ChildNames.SamplingFileName];

    /// <summary>Everything a render gives, in its order, the objects as the API server would receive them.</summary>
    private static string Dump(PolicyRender render)
    {
        var text = new StringBuilder();
        var outcome = render.Outcome;
        text.AppendLine(CultureInfo.InvariantCulture, $"outcome {outcome.Namespace}/{outcome.Name} generation {outcome.Generation} members {outcome.MatchedServices} bytes {outcome.SamplingDocumentBytes}");
        foreach (var condition in outcome.Conditions)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"condition {condition}");
        }

        foreach (var endpoint in outcome.Endpoints)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"endpoint {endpoint.Component.DisplayName} {endpoint.Endpoint} {endpoint.Ready} {endpoint.Message}");
        }

        foreach (var obj in render.Objects)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"object {OwnedObjectWriter.ToNode(obj).ToJsonString()}");
        }

        // A map: its order is not part of the render.
        foreach (var (service, sampling) in render.MemberSampling.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"member {service} {sampling}");
        }

        foreach (var (key, condition) in render.ObjectConditions ?? new Dictionary<string, string>())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"object condition {key} {condition}");
        }

        foreach (var change in render.Changes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"change {change}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"kept {string.Join(",", render.KeptInstances.Order(StringComparer.Ordinal))}");
        return text.ToString();
    }
}
