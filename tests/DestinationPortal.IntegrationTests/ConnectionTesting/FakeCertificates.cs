using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// A root, an intermediate the server does not send, and a server certificate issued by that intermediate which names
/// URLs where a client could fetch what is missing: the issuer (AIA caIssuers), an OCSP responder and a CRL. A chain
/// builder that goes online follows them; the tester must not.
/// </summary>
internal sealed class FakeCertificates
{
    public const string ServerDnsName = "db.portal.test";

    private FakeCertificates(string rootPem, X509Certificate2 server)
    {
        RootPem = rootPem;
        Server = server;
    }

    public string RootPem { get; }

    /// <summary>The server's certificate with its private key; only this one is sent in the handshake.</summary>
    public X509Certificate2 Server { get; }

    /// <param name="fetchBaseUrl">Where the certificate says its issuer, OCSP responder and CRL are; null for none.</param>
    public static FakeCertificates Create(Uri? fetchBaseUrl = null)
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var root = Authority("CN=Fake Root CA", rootKey, null, now);
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var intermediate = Authority("CN=Fake Intermediate CA", intermediateKey, root, now);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={ServerDnsName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(ServerDnsName);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(intermediate, true, false));
        if (fetchBaseUrl is not null)
        {
            request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(
                [new Uri(fetchBaseUrl, "ocsp").ToString()], [new Uri(fetchBaseUrl, "intermediate.cer").ToString()]));
            request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([new Uri(fetchBaseUrl, "ca.crl").ToString()]));
        }

        using var issued = request.Create(intermediate, now.AddDays(-1), now.AddDays(100), RandomNumberGenerator.GetBytes(16));
        // Loaded from PKCS#12 so the private key is usable by SslStream as a server on every platform.
        var server = X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(key).Export(X509ContentType.Pkcs12), null);
        return new FakeCertificates(root.ExportCertificatePem(), server);
    }

    private static X509Certificate2 Authority(string subject, ECDsa key, X509Certificate2? issuer, DateTimeOffset now)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (issuer is null)
        {
            return request.CreateSelfSigned(now.AddDays(-30), now.AddYears(1));
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using var signed = request.Create(issuer, now.AddDays(-30), now.AddYears(1), RandomNumberGenerator.GetBytes(16));
        return signed.CopyWithPrivateKey(key);
    }
}
