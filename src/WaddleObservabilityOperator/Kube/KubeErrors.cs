using System.Net;
using k8s;
using k8s.Autorest;
using WaddleObservabilityOperator.Json;

namespace WaddleObservabilityOperator.Kube;

/// <summary>Classifies KubernetesClient's exceptions: an HTTP status (<see cref="HttpOperationException"/>) or a Status inside a watch stream (<see cref="KubernetesException"/>).</summary>
public static class KubeErrors
{
    /// <summary>The HTTP status code an exception carries, or null when it carries none (transport errors).</summary>
    public static int? StatusCode(Exception exception) => exception switch
    {
        HttpOperationException { Response: not null } http => (int)http.Response.StatusCode,
        KubernetesException { Status.Code: not null } kube => kube.Status.Code,
        _ => null,
    };

    public static string? Reason(Exception exception) => exception switch
    {
        KubernetesException kube => kube.Status?.Reason,
        HttpOperationException http => ReasonFromBody(http.Response?.Content),
        _ => null,
    };

    /// <summary>410 Gone / reason Expired: the resourceVersion is older than the server's history; the client must relist.</summary>
    public static bool IsExpired(Exception exception) =>
        StatusCode(exception) == (int)HttpStatusCode.Gone || Reason(exception) is "Expired" or "Gone";

    public static bool IsConflict(Exception exception) => StatusCode(exception) == (int)HttpStatusCode.Conflict;

    public static bool IsNotFound(Exception exception) => StatusCode(exception) == (int)HttpStatusCode.NotFound;

    private static string? ReasonFromBody(string? content)
    {
        if (string.IsNullOrEmpty(content))
        {
            return null;
        }

        try
        {
            return OperatorJson.Deserialize<k8s.Models.V1Status>(content).Reason;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
