using System.Diagnostics;
using System.Net;

namespace WaddleObservabilityOperator.Telemetry;

/// <summary>
/// Sits in the KubernetesClient's HTTP pipeline: every API call becomes a client span (a child of the reconcile that
/// made it) and is counted in waddle_api_requests_total{verb,code}. The User-Agent names the operator instance, so
/// the apiserver's audit log (and the emulator's request log) tells which replica made a call.
/// </summary>
public sealed class ApiRequestTelemetryHandler(OperatorMetrics metrics, string identity) : DelegatingHandler
{
    /// <summary>The User-Agent product token; the instance identity follows as a comment.</summary>
    public const string UserAgentProduct = "waddle-observability-operator";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.UserAgent.Clear();
        request.Headers.UserAgent.Add(new System.Net.Http.Headers.ProductInfoHeaderValue(UserAgentProduct, OperatorTracing.Source.Version ?? "0"));
        request.Headers.UserAgent.Add(new System.Net.Http.Headers.ProductInfoHeaderValue($"({identity})"));

        var described = request.RequestUri is null
            ? new KubernetesRequest(request.Method.Method.ToLowerInvariant(), "unknown", null, null, null)
            : KubernetesRequest.Describe(request.Method, request.RequestUri);

        using var activity = OperatorTracing.Source.StartActivity(described.SpanName, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("http.request.method", request.Method.Method);
            activity.SetTag("url.path", request.RequestUri?.AbsolutePath);
            activity.SetTag("k8s.verb", described.Verb);
            activity.SetTag("k8s.resource", described.Resource);
            activity.SetTag("k8s.namespace.name", described.Namespace);
            activity.SetTag("k8s.object.name", described.Name);
        }

        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            metrics.ApiRequest(described.Verb, (int)response.StatusCode);
            activity?.SetTag("http.response.status_code", (int)response.StatusCode);
            if ((int)response.StatusCode >= 400)
            {
                activity?.SetStatus(ActivityStatusCode.Error, response.StatusCode.ToString());
            }

            return response;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
        {
            // Code 0 is "no response", as client-go's rest_client_requests_total reports it ("<error>").
            metrics.ApiRequest(described.Verb, e is HttpRequestException { StatusCode: HttpStatusCode code } ? (int)code : 0);
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }
}
