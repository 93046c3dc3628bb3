namespace WaddleObservabilityOperator.Api;

/// <summary>The API group and version of the operator's custom resources, and the names shared by both kinds.</summary>
public static class ApiGroup
{
    public const string Group = "observability.waddlebot.io";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Group + "/" + Version;
    public const string Category = "waddle";
}
