using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s;
using KubeApiEmulator;
using WaddleObservabilityOperator.Cli;
using WaddleObservabilityOperator.Telemetry;

namespace WaddleObservabilityOperator.Tests.Security;

/// <summary>
/// --metrics-secure: /metrics over TLS, and only for a bearer token a TokenReview accepts whose user a
/// SubjectAccessReview allows to get /metrics, checked against the emulator's reviews.
/// </summary>
public sealed class SecureMetricsTests
{
    private const string Allowed = "token-prometheus";
    private const string NotAllowed = "token-nosy";

    [Fact]
    public void The_flags_parse_and_plain_http_stays_the_default()
    {
        Assert.False(RunOptions.Parse([]).MetricsSecure);
        Assert.True(RunOptions.Parse(["--metrics-secure"]).MetricsSecure);
        Assert.False(RunOptions.Parse(["--metrics-secure=false"]).MetricsSecure);
        Assert.Equal("/certs", RunOptions.Parse(["--metrics-secure", "--metrics-cert-dir", "/certs"]).MetricsCertDirectory);
    }

    [Fact]
    public async Task Metrics_need_a_valid_token_of_an_allowed_user_over_tls()
    {
        await using var api = await ApiEmulator.StartAsync();
        api.Reviews.AddToken(Allowed, "system:serviceaccount:monitoring:prometheus");
        api.Reviews.AddToken(NotAllowed, "nosy");
        api.Reviews.AllowNonResource("system:serviceaccount:monitoring:prometheus", "get", "/metrics");
        using var client = new Kubernetes(api.ClientConfiguration());
        using var certificate = MetricsCertificate.Load(null, TimeProvider.System);
        var metrics = new OperatorMetrics();
        await using var endpoints = await ProbeEndpoints.StartAsync("127.0.0.1:0", "0", metrics, () => true, CancellationToken.None,
            new SecureMetrics(certificate, new MetricsAuthorizer(client, TimeProvider.System)));
        Assert.Equal("https", endpoints.MetricsUrl!.Scheme);
        X509Certificate2? presented = null;
        using var http = new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                presented = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.RawData);
                return true;
            },
        });
        var url = new Uri(endpoints.MetricsUrl, "/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(http, url, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(http, url, "not-a-token")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(http, url, NotAllowed)).StatusCode);
        var ok = await GetAsync(http, url, Allowed);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("controller_runtime_reconcile_total", await ok.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(certificate.Thumbprint, presented?.Thumbprint);

        // The reviews asked what controller-runtime asks, and answers are cached: another scrape costs no review.
        var reviews = api.Requests.Snapshot().Where(r => r.Resource is "tokenreviews" or "subjectaccessreviews").ToList();
        Assert.All(reviews, r => Assert.Equal("create", r.Verb));
        Assert.Equal(3, reviews.Count(r => r.Resource == "tokenreviews")); // none for the request without a token
        Assert.Equal(2, reviews.Count(r => r.Resource == "subjectaccessreviews"));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, url, Allowed)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(http, url, NotAllowed)).StatusCode);
        Assert.Equal(reviews.Count, api.Requests.Snapshot().Count(r => r.Resource is "tokenreviews" or "subjectaccessreviews"));

        // Plain HTTP is not served on the secure port.
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(new UriBuilder(url) { Scheme = "http" }.Uri));
    }

    [Fact]
    public async Task A_certificate_directory_provides_the_served_certificate()
    {
        var directory = Directory.CreateTempSubdirectory("waddle-metrics-certs-").FullName;
        try
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=metrics.example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var issued = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(Path.Combine(directory, MetricsCertificate.CertificateFile), issued.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(directory, MetricsCertificate.KeyFile), key.ExportPkcs8PrivateKeyPem());

            using var loaded = MetricsCertificate.Load(directory, TimeProvider.System);

            Assert.Equal(issued.Thumbprint, loaded.Thumbprint);
            Assert.True(loaded.HasPrivateKey);
            Assert.Throws<FileNotFoundException>(() => MetricsCertificate.Load(Path.Combine(directory, "missing"), TimeProvider.System));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, Uri url, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }
}
