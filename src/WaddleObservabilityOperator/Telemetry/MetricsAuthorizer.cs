using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Kube;

namespace WaddleObservabilityOperator.Telemetry;

/// <summary>The answer to a /metrics request: 200 to serve it, 401 without a valid token, 403 when the user may not get /metrics.</summary>
public sealed record MetricsAccess(int StatusCode, string Reason);

/// <summary>
/// Authentication and authorization of /metrics as controller-runtime's filters.WithAuthenticationAndAuthorization does:
/// the bearer token is checked with a TokenReview, then the user with a SubjectAccessReview for the non-resource URL
/// /metrics and verb get. Answers are cached briefly by a hash of the token, so a scrape every few seconds costs the API
/// server two reviews a minute at most, and a revoked token stops working within <see cref="CacheDuration"/>.
/// </summary>
public sealed class MetricsAuthorizer(Kubernetes client, TimeProvider clock)
{
    // Create-only kinds: KubernetesClient's models name no plural for them.
    private static readonly ResourceTypeRegistry Reviews = new ResourceTypeRegistry()
        .Register<V1TokenReview>(new ResourceType("authentication.k8s.io", "v1", "tokenreviews", "TokenReview", Namespaced: false))
        .Register<V1SubjectAccessReview>(new ResourceType("authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", Namespaced: false));

    private readonly IResourceClient<V1TokenReview> _tokenReviews = new ResourceClients(client, Reviews).For<V1TokenReview>();
    private readonly IResourceClient<V1SubjectAccessReview> _accessReviews = new ResourceClients(client, Reviews).For<V1SubjectAccessReview>();

    public const string Path = "/metrics";
    public const string Verb = "get";

    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, (MetricsAccess Access, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    public async Task<MetricsAccess> AuthorizeAsync(string? authorizationHeader, CancellationToken cancellationToken)
    {
        const string bearer = "Bearer ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) || authorizationHeader.Length == bearer.Length)
        {
            return new MetricsAccess(401, "a bearer token is required");
        }

        var token = authorizationHeader[bearer.Length..].Trim();
        // The cache is keyed by a hash so that no token is kept in memory longer than the request needs it.
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.Expires > now)
        {
            return cached.Access;
        }

        var access = await ReviewAsync(token, cancellationToken).ConfigureAwait(false);
        _cache[key] = (access, now + CacheDuration);
        foreach (var stale in _cache.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList())
        {
            _cache.TryRemove(stale, out _);
        }

        return access;
    }

    private async Task<MetricsAccess> ReviewAsync(string token, CancellationToken cancellationToken)
    {
        var review = await _tokenReviews.CreateAsync(
            null,
            new V1TokenReview { ApiVersion = "authentication.k8s.io/v1", Kind = "TokenReview", Spec = new V1TokenReviewSpec { Token = token } },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (review.Status?.Authenticated != true || review.Status.User is not { } user)
        {
            return new MetricsAccess(401, "the token is not valid");
        }

        var access = await _accessReviews.CreateAsync(
            null,
            new V1SubjectAccessReview
            {
                ApiVersion = "authorization.k8s.io/v1",
                Kind = "SubjectAccessReview",
                Spec = new V1SubjectAccessReviewSpec
                {
                    User = user.Username,
                    Uid = user.Uid,
                    Groups = user.Groups,
                    Extra = user.Extra,
                    NonResourceAttributes = new V1NonResourceAttributes { Path = Path, Verb = Verb },
                },
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return access.Status?.Allowed == true
            ? new MetricsAccess(200, "allowed")
            : new MetricsAccess(403, $"user \"{user.Username}\" may not get {Path}");
    }
}
