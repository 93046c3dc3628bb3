using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json.Serialization;
using WaddleObservabilityOperator.Api.Crds;

namespace WaddleObservabilityOperator.Api;

/// <summary>
/// The API's enums and the names a manifest spells their values with, for error messages ("must be one of ...").
/// Listed by hand so nothing needs to find types by name at run time (trimmed and AOT builds keep only what is named);
/// a test checks the list against every enum of the API's namespace.
/// </summary>
public static class ApiEnums
{
    private static readonly (Type Type, string[] Names)[] All =
    [
        Of<SloWindow>(), Of<JaegerStorageType>(), Of<GrafanaDatabaseType>(), Of<GrafanaDatabaseSslMode>(), Of<SemanticRuleKind>(),
        Of<ServiceLayer>(), Of<TraceExporter>(), Of<OtlpProtocol>(), Of<Propagator>(), Of<SamplingMode>(),
        Of<SamplingApplication>(), Of<ServiceMonitorMode>(), Of<WorkloadKind>(), Of<RelabelAction>(), Of<PostgresSslMode>(),
    ];

    private static readonly FrozenDictionary<string, string[]> Names =
        All.ToFrozenDictionary(e => e.Type.FullName!, e => e.Names, StringComparer.Ordinal);

    /// <summary>Every enum type listed, for the test that keeps the list complete.</summary>
    public static IEnumerable<Type> Types => All.Select(e => e.Type);

    /// <summary>The JSON names of the enum with this full CLR name, or null when it is not one of the API's enums.</summary>
    public static IReadOnlyList<string>? NamesOf(string fullName) => Names.GetValueOrDefault(fullName);

    private static (Type Type, string[] Names) Of<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] T>()
        where T : struct, Enum =>
        (typeof(T), [.. typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name)]);
}
