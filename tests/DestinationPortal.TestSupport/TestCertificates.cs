using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DestinationPortal.TestSupport;

/// <summary>A certificate and its private key, both PEM, as PostgreSQL's ssl_cert_file and ssl_key_file want them.</summary>
public sealed record PemCertificate(string CertificatePem, string KeyPem);

/// <summary>
/// A throwaway CA and the server certificates the TLS scenarios need, generated in memory for each test run so no
/// key material is ever committed.
/// </summary>
public sealed class TestCertificates
{
    public const string ServerDnsName = "db.portal.test";
    public const string OtherDnsName = "other.portal.test";

    /// <summary>An internationalised name as a user types it; <see cref="Server"/> holds it as <see cref="IdnServerAsciiName"/>.</summary>
    public const string IdnServerName = "datenbank-müller.example";

    /// <summary>The A-label form of <see cref="IdnServerName"/>: what a certificate's dNSName holds (RFC 5280, 7.2).</summary>
    public const string IdnServerAsciiName = "xn--datenbank-mller-9vb.example";

    private TestCertificates(PemCertificate ca, PemCertificate otherCa, PemCertificate server, PemCertificate expired, PemCertificate otherName)
    {
        Ca = ca;
        OtherCa = otherCa;
        Server = server;
        Expired = expired;
        OtherName = otherName;
    }

    public PemCertificate Ca { get; }

    /// <summary>A CA that signed none of the server certificates: giving it to the tester makes the chain untrusted.</summary>
    public PemCertificate OtherCa { get; }

    /// <summary>For db.portal.test, localhost, <see cref="IdnServerAsciiName"/> and 127.0.0.1, signed by <see cref="Ca"/>.</summary>
    public PemCertificate Server { get; }

    public PemCertificate Expired { get; }

    /// <summary>Signed by <see cref="Ca"/>, but only for other.portal.test, and expiring in 10 days.</summary>
    public PemCertificate OtherName { get; }

    public static TestCertificates Create()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = CreateCa("CN=Destination Portal Test CA", caKey, now);
        using var otherCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherCa = CreateCa("CN=Unrelated Test CA", otherCaKey, now);
        return new TestCertificates(
            new PemCertificate(ca.ExportCertificatePem(), caKey.ExportPkcs8PrivateKeyPem()),
            new PemCertificate(otherCa.ExportCertificatePem(), otherCaKey.ExportPkcs8PrivateKeyPem()),
            Issue(ca, ServerDnsName, [ServerDnsName, "localhost", IdnServerAsciiName], [IPAddress.Loopback], now.AddDays(-1), now.AddDays(200)),
            Issue(ca, ServerDnsName, [ServerDnsName, "localhost"], [IPAddress.Loopback], now.AddDays(-20), now.AddDays(-10)),
            Issue(ca, OtherDnsName, [OtherDnsName], [], now.AddDays(-1), now.AddDays(10)));
    }

    private static X509Certificate2 CreateCa(string subject, ECDsa key, DateTimeOffset now)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now.AddDays(-30), now.AddYears(1));
    }

    private static PemCertificate Issue(X509Certificate2 ca, string commonName, string[] dnsNames, IPAddress[] addresses, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames)
        {
            names.AddDnsName(dns);
        }

        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var certificate = request.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        return new PemCertificate(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
