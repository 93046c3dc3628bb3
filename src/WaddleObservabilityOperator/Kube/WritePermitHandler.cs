namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// Enforces the leader's write permit once, for every caller, in the API client's pipeline: while
/// <see cref="IWritePermit.CanWrite"/> is false, every write (POST, PUT, PATCH, DELETE) is refused with a
/// <see cref="WriteRefusedException"/> before it is sent, rate-limited, retried or counted. Reads always go out (a
/// standby keeps warm caches), and so do the writes that must go out whoever leads: the Lease of leader election
/// itself, and the TokenReview and SubjectAccessReview of <c>--metrics-secure</c>.
/// </summary>
public sealed class WritePermitHandler(IWritePermit permit) : DelegatingHandler
{
    /// <summary>The (group, resource) pairs whose writes are never refused.</summary>
    public static readonly IReadOnlyList<(string Group, string Resource)> Exempt =
    [
        ("coordination.k8s.io", "leases"),
        ("authentication.k8s.io", "tokenreviews"),
        ("authorization.k8s.io", "subjectaccessreviews"),
    ];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IsWrite(request.Method) && !IsExempt(request.RequestUri) && !permit.CanWrite)
        {
            throw new WriteRefusedException(
                $"not sending {request.Method.Method} {request.RequestUri?.AbsolutePath}: this instance does not hold the write permit (not the leader)");
        }

        return base.SendAsync(request, cancellationToken);
    }

    private static bool IsWrite(HttpMethod method) =>
        method == HttpMethod.Post || method == HttpMethod.Put || method == HttpMethod.Patch || method == HttpMethod.Delete;

    /// <summary>/api/v1/[namespaces/{ns}/]{resource}/... or /apis/{group}/{version}/[namespaces/{ns}/]{resource}/...</summary>
    internal static bool IsExempt(Uri? uri)
    {
        if (uri is null)
        {
            return false;
        }

        var path = uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var (group, start) = segments switch
        {
            ["api", _, ..] => ("", 2),
            ["apis", var g, _, ..] => (g, 3),
            _ => (null, 0),
        };
        if (group is null || start >= segments.Length)
        {
            return false;
        }

        var rest = segments.AsSpan(start);
        var resource = rest.Length >= 3 && rest[0] == "namespaces" ? rest[2] : rest[0];
        return Exempt.Contains((group, resource));
    }
}
