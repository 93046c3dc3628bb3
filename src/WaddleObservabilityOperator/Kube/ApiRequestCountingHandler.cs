namespace WaddleObservabilityOperator.Kube;

/// <summary>Hook for waddle_api_requests_total{verb,code}: one call per request sent to the API server (each retry counts).</summary>
public interface IApiRequestMetrics
{
    /// <param name="verb">One of <see cref="ApiVerb"/>.</param>
    /// <param name="code">The HTTP status code, or "error" when no response came back.</param>
    void RequestCompleted(string verb, string code);
}

/// <summary>Counts requests by verb and status code.</summary>
public sealed class ApiRequestCountingHandler(IApiRequestMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var verb = ApiVerb.Of(request);
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            metrics.RequestCompleted(verb, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return response;
        }
        catch (Exception)
        {
            metrics.RequestCompleted(verb, "error");
            throw;
        }
    }
}
