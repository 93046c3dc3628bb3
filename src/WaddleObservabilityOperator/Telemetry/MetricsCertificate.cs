using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WaddleObservabilityOperator.Telemetry;

/// <summary>The TLS certificate of the secure /metrics listener: tls.crt and tls.key from a directory (e.g. a mounted cert-manager Secret), or a self-signed one made at start, as controller-runtime does.</summary>
public static class MetricsCertificate
{
    public const string CertificateFile = "tls.crt";
    public const string KeyFile = "tls.key";

    public static X509Certificate2 Load(string? directory, TimeProvider clock)
    {
        if (string.IsNullOrEmpty(directory))
        {
            return SelfSigned(clock);
        }

        var certificate = Path.Combine(directory, CertificateFile);
        var key = Path.Combine(directory, KeyFile);
        if (!File.Exists(certificate) || !File.Exists(key))
        {
            throw new FileNotFoundException($"--metrics-cert-dir {directory} must hold {CertificateFile} and {KeyFile}");
        }

        using var pem = X509Certificate2.CreateFromPemFile(certificate, key);
        // Kestrel on Linux needs the key in an exportable, loadable form: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2 SelfSigned(TimeProvider clock)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=waddle-observability-operator-metrics", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = clock.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
