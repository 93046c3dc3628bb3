using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Tests.Rendering;

public sealed partial class EnvInjectionTests
{
    private static readonly ObservabilityPolicy Static = Sample.Policy("p", p => p.Tracing = new TracingPolicy
    {
        Exporter = TraceExporter.Otlp,
        Endpoint = "http://collector.observability.svc:4317",
        Sampling = new SamplingPolicy { DefaultRatio = 0.25 },
    });

    private static ResolvedService Router(ObservabilityPolicy? policy = null, Action<WaddleServiceSpec>? configure = null) =>
        Sample.Resolve(Sample.Service("router", ServiceLayer.Processing, configure), policy ?? Static);

    private static InjectionResult Inject(IKubernetesObject<V1ObjectMeta> workload, ResolvedService? service = null)
    {
        var resolved = service ?? Router();
        var plan = EnvInjectionPlanner.Plan(resolved, WorkloadInjection.PodTemplate(workload).Spec);
        Assert.Null(plan.Failure);
        return WorkloadInjection.Apply(workload, plan.Plan!);
    }

    private static (string Name, string Value)[] Parse(string list) =>
        list.Length == 0 ? [] : [.. list.Split(';').Select(e => e.Split('=', 2)).Select(p => (p[0], p[1]))];

    private static string Show(IEnumerable<V1EnvVar> env) => string.Join(";", env.Select(e => $"{e.Name}={e.Value}"));

    /// <summary>Edits a user makes to the container env after the injection: append, set in place, remove.</summary>
    private static void Edit(IList<V1EnvVar> env, string edit)
    {
        if (edit.Length == 0)
        {
            return;
        }

        var (verb, rest) = (edit[..edit.IndexOf(':', StringComparison.Ordinal)], edit[(edit.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        var (name, value) = rest.Contains('=', StringComparison.Ordinal) ? (rest.Split('=', 2)[0], rest.Split('=', 2)[1]) : (rest, "");
        switch (verb)
        {
            case "append":
                env.Add(new V1EnvVar { Name = name, Value = value });
                break;
            case "set":
                env.Single(e => e.Name == name).Value = value;
                break;
            default:
                env.Remove(env.Single(e => e.Name == name));
                break;
        }
    }

    public static TheoryData<string, string, string, string, string, string> Precedence => new()
    {
        // case, user env before, user edit after the first injection, watched name, expected entries of it, overriddenEnv
        { "nothing set by the user", "LOG=debug", "", "OTEL_SERVICE_NAME", "OTEL_SERVICE_NAME=router", "" },
        { "user var kept", "OTEL_SERVICE_NAME=mine;LOG=debug", "", "OTEL_SERVICE_NAME", "OTEL_SERVICE_NAME=mine", "OTEL_SERVICE_NAME" },
        { "user sampler kept", "OTEL_TRACES_SAMPLER=always_on", "", "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER=always_on", "OTEL_TRACES_SAMPLER" },
        { "user var added later, new name", "LOG=debug", "append:FEATURE=x", "FEATURE", "FEATURE=x", "" },
        { "user var added later, injected name", "LOG=debug", "append:OTEL_TRACES_SAMPLER=always_on", "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER=always_on", "OTEL_TRACES_SAMPLER" },
        { "user edits an injected var in place", "LOG=debug", "set:METRICS_NAMESPACE=custom", "METRICS_NAMESPACE", "METRICS_NAMESPACE=custom", "METRICS_NAMESPACE" },
        { "user deletes an injected var: it comes back", "LOG=debug", "remove:METRICS_NAMESPACE", "METRICS_NAMESPACE", "METRICS_NAMESPACE=waddlebot", "" },
        { "user removes own var: nothing of theirs reappears", "LOG=debug", "remove:LOG", "LOG", "", "" },
    };

    [Theory]
    [MemberData(nameof(Precedence))]
    public void User_set_variables_are_never_overwritten(string name, string before, string edit, string watched, string expected, string overridden)
    {
        var workload = Sample.Deployment("router", Sample.Container("app", Parse(before)));
        var first = Inject(workload).Workload;
        var edited = KubernetesJson.Deserialize<V1Deployment>(KubernetesJson.Serialize(first));
        Edit(Sample.Env(edited), edit);

        var result = Inject(edited);

        var actual = Show(Sample.Env(result.Workload).Where(e => e.Name == watched));
        Assert.True(expected == actual, $"{name}: {watched} entries are \"{actual}\", expected \"{expected}\"");
        Assert.Equal(overridden.Length == 0 ? [] : overridden.Split(','), result.OverriddenEnv);
        Assert.Equal(EnvInjectionPlanner.ResourceAttributesVariable, Sample.Env(result.Workload)[^1].Name);

        // Taking the injection out leaves exactly what the user has, edits included, in their order.
        Assert.Equal(Show(UserEntriesAfterEdit(before, edit)), Show(Sample.Env(WorkloadInjection.Remove(result.Workload).Workload)));
    }

    /// <summary>What the user's env is after their edit, computed independently of the injector: their entries plus appended or edited ones.</summary>
    private static List<V1EnvVar> UserEntriesAfterEdit(string before, string edit)
    {
        var env = Parse(before).Select(e => new V1EnvVar { Name = e.Name, Value = e.Value }).ToList();
        if (edit.StartsWith("append:", StringComparison.Ordinal))
        {
            Edit(env, edit);
        }
        else if (edit.StartsWith("set:", StringComparison.Ordinal))
        {
            var parts = edit[4..].Split('=', 2);
            env.Add(new V1EnvVar { Name = parts[0], Value = parts[1] });
        }
        else if (edit.StartsWith("remove:", StringComparison.Ordinal) && env.Any(e => e.Name == edit[7..]))
        {
            Edit(env, edit);
        }

        return env;
    }

    public static TheoryData<string, string> Originals => new()
    {
        { "no env at all", "" },
        { "plain user env", "LOG=debug;PORT=8080" },
        { "user shadows injected names", "OTEL_SERVICE_NAME=mine;LOG=debug;OTEL_POD_NAME=fixed;OTEL_RESOURCE_ATTRIBUTES=team=chat" },
        { "duplicate user names kept as they are", "A=1;A=2;B=$(A)" },
    };

    [Theory]
    [MemberData(nameof(Originals))]
    public void Removing_restores_the_users_workload_exactly(string name, string env)
    {
        foreach (var annotations in new[] { null, new Dictionary<string, string> { ["keep"] = "me" } })
        {
            var original = Sample.Deployment("router", Sample.Container("app", Parse(env)), Sample.Container("sidecar", ("X", "1")));
            original.Spec.Template.Metadata.Annotations = annotations;

            var injected = Inject(original).Workload;
            var restored = WorkloadInjection.Remove(injected);

            Assert.NotEqual(Sample.Yaml(original), Sample.Yaml(injected));
            Assert.True(Sample.Yaml(original) == Sample.Yaml(restored.Workload), $"{name}: restored workload differs");
            Assert.True(restored.Changed);
            Assert.False(WorkloadInjection.Remove(restored.Workload).Changed);
        }
    }

    [Theory]
    [MemberData(nameof(Originals))]
    public void Applying_an_applied_plan_is_a_no_op(string name, string env)
    {
        foreach (IKubernetesObject<V1ObjectMeta> workload in new IKubernetesObject<V1ObjectMeta>[]
        {
            Sample.Deployment("router", Sample.Container("app", Parse(env))),
            Sample.StatefulSet("router", Sample.Container("app", Parse(env))),
            Sample.DaemonSet("router", Sample.Container("app", Parse(env))),
        })
        {
            var once = Inject(workload);
            var twice = Inject(once.Workload);

            Assert.True(once.Changed, name);
            Assert.False(twice.Changed, name);
            Assert.Equal(Sample.Yaml(once.Workload), Sample.Yaml(twice.Workload));
            Assert.Equal(once.ConfigHash, twice.ConfigHash);
            Assert.Equal("router", twice.Workload.Metadata.Labels[WellKnown.InjectedByLabel]);
        }
    }

    [GeneratedRegex(@"\$\(([^)]+)\)")]
    private static partial Regex Reference();

    [Theory]
    [MemberData(nameof(Originals))]
    public void Every_variable_reference_is_defined_before_it_is_used(string name, string env)
    {
        var result = Inject(Sample.Deployment("router", Sample.Container("app", Parse(env))));
        var entries = Sample.Env(result.Workload);
        if (Parse(env).Any(e => e.Name == EnvInjectionPlanner.ResourceAttributesVariable))
        {
            // The user's own value stands; the operator's is not added behind it.
            Assert.Contains(EnvInjectionPlanner.ResourceAttributesVariable, result.OverriddenEnv);
            Assert.Single(entries, e => e.Name == EnvInjectionPlanner.ResourceAttributesVariable);
            entries = [.. EnvInjectionPlanner.Variables(Router(), "app")];
        }

        var attributes = entries.Last(e => e.Name == EnvInjectionPlanner.ResourceAttributesVariable);
        Assert.Equal(attributes, entries[^1]);

        var referenced = Reference().Matches(attributes.Value).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains(EnvInjectionPlanner.PodName, referenced);
        Assert.Contains(EnvInjectionPlanner.NodeName, referenced);
        var position = entries.IndexOf(attributes);
        foreach (var variable in referenced)
        {
            Assert.True(entries.Take(position).Any(e => e.Name == variable), $"{name}: $({variable}) is not defined before OTEL_RESOURCE_ATTRIBUTES");
        }
    }

    [Fact]
    public void Downward_api_helpers_come_from_field_refs()
    {
        var env = Sample.Env(Inject(Sample.Deployment("router")).Workload);

        Assert.Equal("metadata.name", env.Single(e => e.Name == "OTEL_POD_NAME").ValueFrom.FieldRef.FieldPath);
        Assert.Equal("spec.nodeName", env.Single(e => e.Name == "OTEL_NODE_NAME").ValueFrom.FieldRef.FieldPath);
        Assert.Equal("metadata.uid", env.Single(e => e.Name == "OTEL_POD_UID").ValueFrom.FieldRef.FieldPath);
    }

    [Fact]
    public void Secrets_are_injected_by_reference_only()
    {
        var policy = Sample.Policy("p", p => p.Tracing = new TracingPolicy
        {
            Exporter = TraceExporter.Otlp,
            HeadersSecretRef = new SecretKeyReference { Name = "otlp-auth", Key = "headers" },
        });

        var workload = Inject(Sample.Deployment("router"), Router(policy)).Workload;

        var headers = Sample.Env(workload).Single(e => e.Name == "OTEL_EXPORTER_OTLP_HEADERS");
        Assert.Null(headers.Value);
        Assert.Equal(("otlp-auth", "headers"), (headers.ValueFrom.SecretKeyRef.Name, headers.ValueFrom.SecretKeyRef.Key));
        Assert.DoesNotContain(Sample.Env(workload), e => e.Name != headers.Name && e.ValueFrom?.SecretKeyRef is not null);
    }

    [Theory]
    [InlineData("", "Name", "headersSecretRef needs both name and key")]
    [InlineData("otlp-auth", "", "headersSecretRef needs both name and key")]
    public void An_empty_secret_reference_is_a_validation_outcome(string name, string key, string message)
    {
        var policy = Sample.Policy("p", p => p.Tracing = new TracingPolicy { HeadersSecretRef = new SecretKeyReference { Name = name, Key = key } });

        var plan = EnvInjectionPlanner.Plan(Router(policy), Sample.Deployment("router").Spec.Template.Spec);

        Assert.Null(plan.Plan);
        Assert.Equal(Reasons.InvalidHeadersSecretRef, plan.Failure!.Reason);
        Assert.Contains(message, plan.Failure.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string, string> Selection => new()
    {
        // case, spec.workload.containers, injected containers, failure reason
        { "all app containers by default", "", "app,sidecar", "" },
        { "only the listed one", "sidecar", "sidecar", "" },
        { "listing order does not matter", "sidecar,app", "app,sidecar", "" },
        { "a missing name fails", "app,nope", "", Reasons.ContainerNotFound },
        { "init containers are never injected", "migrate", "", Reasons.ContainerNotFound },
    };

    [Theory]
    [MemberData(nameof(Selection))]
    public void Containers_are_selected_by_name_never_init_containers(string name, string listed, string expected, string reason)
    {
        var workload = Sample.Deployment("router", Sample.Container("app", ("LOG", "debug")), Sample.Container("sidecar"));
        workload.Spec.Template.Spec.InitContainers = [Sample.Container("migrate")];
        var service = Router(configure: s => s.Workload.Containers = listed.Length == 0 ? null : listed.Split(','));

        var plan = EnvInjectionPlanner.Plan(service, workload.Spec.Template.Spec);

        if (reason.Length > 0)
        {
            Assert.Equal(reason, plan.Failure?.Reason);
            Assert.Contains(listed.Split(',').Last(), plan.Failure!.Message, StringComparison.Ordinal);
            return;
        }

        var result = WorkloadInjection.Apply(workload, plan.Plan!);
        var template = WorkloadInjection.PodTemplate(result.Workload);
        Assert.Equal(expected, string.Join(",", template.Spec.Containers.Where(c => c.Env?.Any(e => e.Name == "OTEL_SERVICE_NAME") == true).Select(c => c.Name)));
        Assert.Null(template.Spec.InitContainers.Single().Env);
        Assert.Equal(
            expected.Split(',').Select(c => $"k8s.container.name={c}"),
            template.Spec.Containers.Where(c => expected.Split(',').Contains(c.Name))
                .Select(c => c.Env.Last().Value.Split(',').Single(a => a.StartsWith("k8s.container.name=", StringComparison.Ordinal))));
        Assert.True(result.Changed, name);
    }

    [Fact]
    public void A_container_no_longer_selected_gets_its_injection_taken_back()
    {
        var workload = Sample.Deployment("router", Sample.Container("app", ("LOG", "debug")), Sample.Container("sidecar"));
        var both = Inject(workload).Workload;

        var onlySidecar = Inject(both, Router(configure: s => s.Workload.Containers = ["sidecar"])).Workload;

        Assert.Equal("LOG=debug", Show(Sample.Env(onlySidecar, "app")));
        Assert.Contains(Sample.Env(onlySidecar, "sidecar"), e => e.Name == "OTEL_SERVICE_NAME");
    }

    private static ObservabilityPolicy Remote(double ratio, bool? sdkRemote = null, double health = 0.05) => Sample.Policy("p", p => p.Tracing = new TracingPolicy
    {
        Exporter = TraceExporter.Otlp,
        Endpoint = "http://collector.observability.svc:4317",
        Sampling = new SamplingPolicy
        {
            Mode = SamplingMode.Remote,
            DefaultRatio = ratio,
            SdkRemote = sdkRemote,
            Operations = [new OperationSampling { Operation = "GET /health", Ratio = health }],
        },
    });

    [Fact]
    public void Variables_no_longer_wanted_are_removed()
    {
        var staticMode = Inject(Sample.Deployment("router")).Workload;
        Assert.Equal("0.25", Sample.Value(staticMode, "TRACING_SAMPLE_RATE"));
        Assert.Equal("0.25", Sample.Value(staticMode, "OTEL_TRACES_SAMPLER_ARG"));

        // Remote mode with an SDK that samples remotely: the ratio leaves the environment.
        var remoteMode = Inject(staticMode, Router(Remote(0.25, sdkRemote: true))).Workload;

        Assert.DoesNotContain(Sample.Env(remoteMode), e => e.Name == "TRACING_SAMPLE_RATE");
        Assert.Equal("parentbased_jaeger_remote", Sample.Value(remoteMode, "OTEL_TRACES_SAMPLER"));
        Assert.Equal("endpoint=http://collector.observability.svc:5778/sampling,pollingIntervalMs=60000,initialSamplingRate=0.001",
            Sample.Value(remoteMode, "OTEL_TRACES_SAMPLER_ARG"));
        Assert.Single(Sample.Env(remoteMode), e => e.Name == "OTEL_TRACES_SAMPLER");
    }

    [Fact]
    public void A_changed_value_changes_the_hash_and_an_unchanged_one_never_does()
    {
        var workload = Sample.Deployment("router");
        var baseline = Inject(workload).ConfigHash;

        Assert.Equal(baseline, Inject(Sample.Deployment("router")).ConfigHash);
        Assert.NotEqual(baseline, Inject(workload, Router(configure: s => s.Tracing = new ServiceTracing { SamplingRatio = 0.5 })).ConfigHash);
        Assert.NotEqual(baseline, Inject(workload, Router(configure: s => s.Version = "1.0.1")).ConfigHash);
    }

    public static TheoryData<string, bool?, bool?, string, SamplingApplication> RemoteModes => new()
    {
        // case, policy sdkRemote, service sdkRemote, expected TRACING_SAMPLE_RATE ("-" = absent), status.effective.samplingAppliedBy
        { "default: WaddleBot's library reads the ratio from the environment", null, null, "0.3", SamplingApplication.Rollout },
        { "policy: the SDKs sample remotely", true, null, "-", SamplingApplication.RemoteDocument },
        { "policy says false", false, null, "0.3", SamplingApplication.Rollout },
        { "service samples remotely, policy does not", false, true, "-", SamplingApplication.RemoteDocument },
        { "service does not, policy does", true, false, "0.3", SamplingApplication.Rollout },
    };

    [Theory]
    [MemberData(nameof(RemoteModes))]
    public void In_remote_mode_the_ratio_is_in_the_environment_unless_the_sdk_samples_remotely(string name, bool? policySdkRemote, bool? serviceSdkRemote, string expected, SamplingApplication appliedBy)
    {
        var service = Router(Remote(0.1, policySdkRemote), s => s.Tracing = new ServiceTracing { SamplingRatio = 0.3, SdkRemote = serviceSdkRemote });
        var workload = Inject(Sample.Deployment("router"), service).Workload;

        Assert.True((expected == "-" ? null : expected) == Sample.Value(workload, "TRACING_SAMPLE_RATE"), $"{name}: TRACING_SAMPLE_RATE is {Sample.Value(workload, "TRACING_SAMPLE_RATE") ?? "absent"}");
        // Either way the OTel sampler is the remote one, and no ratio is in its argument.
        Assert.Equal("parentbased_jaeger_remote", Sample.Value(workload, "OTEL_TRACES_SAMPLER"));
        Assert.DoesNotContain("0.3", Sample.Value(workload, "OTEL_TRACES_SAMPLER_ARG"), StringComparison.Ordinal);
        Assert.Equal(appliedBy, EnvInjectionPlanner.AppliedBy(service));
    }

    [Fact]
    public void In_remote_mode_a_ratio_change_rolls_only_services_whose_sdk_does_not_sample_remotely()
    {
        ResolvedService Service(double policyRatio, double ownRatio, double health, bool sdkRemote) =>
            Router(Remote(policyRatio, health: health), s => s.Tracing = new ServiceTracing { SamplingRatio = ownRatio, SdkRemote = sdkRemote });

        // sdkRemote: the document carries every ratio, so the pod template stays byte for byte the same.
        var a = Inject(Sample.Deployment("router"), Service(0.1, 1.0, 0.05, sdkRemote: true));
        var b = Inject(Sample.Deployment("router"), Service(0.2, 0.3, 0.01, sdkRemote: true));
        Assert.Equal(a.ConfigHash, b.ConfigHash);
        Assert.Equal(Sample.Yaml(a.Workload), Sample.Yaml(b.Workload));

        // WaddleBot's library: its own ratio changes the environment and the hash (a rollout)...
        var c = Inject(Sample.Deployment("router"), Service(0.1, 1.0, 0.05, sdkRemote: false));
        var d = Inject(Sample.Deployment("router"), Service(0.1, 0.3, 0.05, sdkRemote: false));
        Assert.NotEqual(c.ConfigHash, d.ConfigHash);
        Assert.Equal("0.3", Sample.Value(d.Workload, "TRACING_SAMPLE_RATE"));

        // ...but the policy's default and per-operation ratios, which it does not use, change nothing.
        var e = Inject(Sample.Deployment("router"), Service(0.2, 1.0, 0.01, sdkRemote: false));
        Assert.Equal(c.ConfigHash, e.ConfigHash);
        Assert.Equal(Sample.Yaml(c.Workload), Sample.Yaml(e.Workload));
    }

    [Fact]
    public void A_sample_rate_the_user_set_is_kept_and_the_status_says_so()
    {
        var service = Router(Remote(0.1), s => s.Tracing = new ServiceTracing { SamplingRatio = 0.3 });
        var result = Inject(Sample.Deployment("router", Sample.Container("app", ("TRACING_SAMPLE_RATE", "0.9"))), service);

        Assert.Equal(["TRACING_SAMPLE_RATE"], result.OverriddenEnv);
        Assert.Equal("0.9", Assert.Single(Sample.Env(result.Workload), v => v.Name == "TRACING_SAMPLE_RATE").Value);
        Assert.Equal(SamplingApplication.UserEnvironment, EnvInjectionPlanner.AppliedBy(service, result.OverriddenEnv));
        // Only the ratio's variable counts: another overridden variable leaves the ratio to the operator.
        Assert.Equal(SamplingApplication.Rollout, EnvInjectionPlanner.AppliedBy(service, ["METRICS_NAMESPACE"]));
    }

    [Theory]
    [InlineData("waddlebot-library", false, "Rollout", "0.3")]
    [InlineData("remote-sdk", true, "RemoteDocument", null)]
    public void The_status_says_how_a_ratio_change_reaches_the_service(string name, bool sdkRemote, string appliedBy, string? sampleRate)
    {
        var policy = Remote(0.1);
        var service = Sample.Service(name, ServiceLayer.Action, s => s.Tracing = new ServiceTracing { SamplingRatio = 0.3, SdkRemote = sdkRemote });
        var input = Sample.Input([policy], [service], [Sample.Deployment(name, new V1Container { Name = "app" })], [Sample.KubeService(name)]);

        var render = ServiceRenderer.Render(input, Sample.Namespace, name);
        var status = StatusRenderer.ServiceStatus(render.Outcome, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.Equal(appliedBy, KubernetesJson.Serialize(status.Effective!.SamplingAppliedBy).Trim('"'));
        Assert.Equal(0.3, status.Effective.SamplingRatio);
        Assert.Equal(sampleRate, Sample.Value(Assert.Single(render.Workloads).Workload, "TRACING_SAMPLE_RATE"));
    }

    [Fact]
    public void Tracing_off_has_no_sampling_application()
    {
        Assert.Null(EnvInjectionPlanner.AppliedBy(Router(configure: s => s.Tracing = new ServiceTracing { Enabled = false })));
        Assert.Equal(SamplingApplication.Rollout, EnvInjectionPlanner.AppliedBy(Router()));
        // sdkRemote means nothing in static mode: the ratio is the sampler's argument.
        Assert.Equal(SamplingApplication.Rollout, EnvInjectionPlanner.AppliedBy(Router(configure: s => s.Tracing = new ServiceTracing { SdkRemote = true })));
    }

    public static TheoryData<string, TraceExporter, bool, string> Exporters => new()
    {
        // case, exporter, tracing enabled, expected variables (name=value, "-" = absent)
        { "otlp", TraceExporter.Otlp, true, "OTEL_TRACES_EXPORTER=otlp;OTEL_EXPORTER_OTLP_PROTOCOL=grpc;TRACING_EXPORTER=otlp;JAEGER_HOST=-;TRACING_ENABLED=true" },
        { "jaeger agent", TraceExporter.Jaeger, true, "OTEL_TRACES_EXPORTER=-;TRACING_EXPORTER=jaeger;JAEGER_HOST=agent.local;JAEGER_PORT=6832;TRACING_SAMPLE_RATE=0.25" },
        { "zipkin", TraceExporter.Zipkin, true, "OTEL_TRACES_EXPORTER=zipkin;OTEL_EXPORTER_ZIPKIN_ENDPOINT=agent.local:6832;TRACING_EXPORTER=zipkin" },
        { "console", TraceExporter.Console, true, "OTEL_TRACES_EXPORTER=console;OTEL_EXPORTER_OTLP_ENDPOINT=-" },
        { "exporter none", TraceExporter.None, true, "OTEL_TRACES_EXPORTER=none;OTEL_TRACES_SAMPLER=always_off;TRACING_ENABLED=false;TRACING_EXPORTER=-" },
        { "tracing off", TraceExporter.Otlp, false, "OTEL_TRACES_EXPORTER=none;OTEL_TRACES_SAMPLER=always_off;OTEL_TRACES_SAMPLER_ARG=-;TRACING_ENABLED=false;TRACING_SAMPLE_RATE=-;OTEL_SDK_DISABLED=-;OTEL_SERVICE_NAME=router;METRICS_ENABLED=true" },
    };

    [Theory]
    [MemberData(nameof(Exporters))]
    public void Exporter_settings_map_to_the_otel_and_waddlebot_variables(string name, TraceExporter exporter, bool enabled, string expected)
    {
        var policy = Sample.Policy("p", p => p.Tracing = new TracingPolicy
        {
            Exporter = exporter,
            Enabled = enabled,
            Endpoint = exporter == TraceExporter.Otlp ? null : "agent.local:6832",
            Sampling = new SamplingPolicy { DefaultRatio = 0.25 },
        });

        var workload = Inject(Sample.Deployment("router"), Router(policy)).Workload;

        foreach (var (variable, value) in Parse(expected))
        {
            Assert.True((value == "-" ? null : value) == Sample.Value(workload, variable), $"{name}: {variable} is {Sample.Value(workload, variable) ?? "absent"}, expected {value}");
        }
    }

    [Fact]
    public void Resource_attributes_are_sorted_encoded_and_keep_references()
    {
        var policy = Sample.Policy("p", p => p.ResourceAttributes = new Dictionary<string, string>
        {
            ["deployment.environment"] = "prod, eu=1",
            ["team"] = "chat ops/ü",
            ["pod.ip"] = "$(POD_IP)",
            ["price"] = "5$",
        });

        var value = Sample.Value(Inject(Sample.Deployment("router"), Router(policy)).Workload, EnvInjectionPlanner.ResourceAttributesVariable)!;

        Assert.Contains("deployment.environment=prod%2C%20eu%3D1", value, StringComparison.Ordinal);
        Assert.Contains("team=chat%20ops/%C3%BC", value, StringComparison.Ordinal);
        Assert.Contains("pod.ip=$(POD_IP)", value, StringComparison.Ordinal);
        Assert.Contains("price=5%24", value, StringComparison.Ordinal);
        Assert.Contains("waddlebot.layer=processing", value, StringComparison.Ordinal);
        Assert.Contains("service.version=1.0.0", value, StringComparison.Ordinal);
        var keys = value.Split(',').Select(p => p.Split('=')[0]).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
    }
}
