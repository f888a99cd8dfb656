using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DestinationPortal.Core.Localization;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

internal enum CertificateProblem
{
    None,
    NoCertificate,
    UntrustedRoot,
    NameMismatch,
    Expired,
    NotYetValid,
    OtherChainError,
}

/// <summary>What the server's certificate says and what is wrong with it, independent of whether the TLS mode cares.</summary>
internal sealed record CertificateFindings(
    IReadOnlyList<CertificateProblem> Problems,
    string ChainSummary,
    IReadOnlyList<ConnectionTestDetail> Details,
    DateTimeOffset? NotAfter)
{
    public bool Has(CertificateProblem problem) => Problems.Contains(problem);
}

/// <summary>
/// Certificate validation done by the tester itself: Npgsql forbids a custom validation callback with VerifyCA/VerifyFull
/// and its own failure message hides the reason, so the tester connects with SslMode.Require and decides here, with the
/// same rules for its TLS probe and for the Npgsql connection.
/// </summary>
internal sealed class CertificateCheck
{
    private readonly X509Certificate2Collection _customRoots;

    private static IStringLocalizer T => ConnectionTestText.Localizer;

    private CertificateCheck(string targetHost, X509Certificate2Collection customRoots)
    {
        TargetHost = targetHost;
        _customRoots = customRoots;
    }

    /// <summary>The name the certificate must carry (Server Name, also under a private endpoint) and the SNI sent.</summary>
    public string TargetHost { get; }

    public bool UsesCustomRoots => _customRoots.Count > 0;

    /// <summary>Null with an error message when the CA certificate text is not PEM.</summary>
    public static CertificateCheck? TryCreate(string targetHost, string? caCertificatePem, out string? error)
    {
        error = null;
        var roots = new X509Certificate2Collection();
        if (!string.IsNullOrWhiteSpace(caCertificatePem))
        {
            try
            {
                roots.ImportFromPem(caCertificatePem);
            }
            catch (CryptographicException)
            {
                error = T["Certificate.InvalidPem"];
                return null;
            }

            if (roots.Count == 0)
            {
                error = T["Certificate.NoPem"];
                return null;
            }
        }

        return new CertificateCheck(targetHost, roots);
    }

    public void Apply(SslClientAuthenticationOptions options)
    {
        options.TargetHost = TargetHost;
        // The chain is built offline: a missing issuer fetched from the certificate's AIA URL, or revocation checked
        // through OCSP or a CRL, would be requests to addresses the server chose (blind SSRF, and a stall past the
        // deadline when that address is silent). A chain that needs them fails as an untrusted or partial chain.
        var policy = new X509ChainPolicy
        {
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        if (UsesCustomRoots)
        {
            // A supplied CA is the only trust anchor, as in libpq's sslrootcert.
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(_customRoots);
        }

        options.CertificateChainPolicy = policy;
        // Never present a client certificate picked up from the environment (PGSSLCERT, ~/.postgresql).
        options.ClientCertificates = null;
        options.LocalCertificateSelectionCallback = null;
    }

    public CertificateFindings Evaluate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, DateTimeOffset now)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return new CertificateFindings([CertificateProblem.NoCertificate], T["Certificate.NoneSent"], [], null);
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var problems = new List<CertificateProblem>();
        var reasons = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            problems.Add(CertificateProblem.NameMismatch);
            reasons.Add(T["Certificate.NameMismatch", TargetHost]);
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var flags = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status) ?? X509ChainStatusFlags.NoError;
            if (flags.HasFlag(X509ChainStatusFlags.NotTimeValid) || now > leaf.NotAfter || now < leaf.NotBefore)
            {
                var expired = now > leaf.NotAfter;
                problems.Add(expired ? CertificateProblem.Expired : CertificateProblem.NotYetValid);
                reasons.Add(expired ? T["Certificate.Expired", Utc(leaf.NotAfter)] : T["Certificate.NotYetValid", Utc(leaf.NotBefore)]);
            }

            if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
            {
                problems.Add(CertificateProblem.UntrustedRoot);
                reasons.Add(T[UsesCustomRoots ? "Certificate.UntrustedRoot.Given" : "Certificate.UntrustedRoot.System"]);
            }

            var other = flags & ~(X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain);
            if (other != X509ChainStatusFlags.NoError || problems.Count == 0)
            {
                problems.Add(CertificateProblem.OtherChainError);
                reasons.Add(T["Certificate.ChainError", other]);
            }
        }

        var summary = reasons.Count == 0 ? T["Certificate.Valid"] : string.Join("; ", reasons);
        return new CertificateFindings(problems, summary, Describe(leaf, summary), new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero));
    }

    private List<ConnectionTestDetail> Describe(X509Certificate2 leaf, string summary)
    {
        var names = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .SelectMany(san => san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(ip => ip.ToString())))
            .ToList();
        return
        [
            new(T["Certificate.Detail.Subject"], leaf.Subject),
            new(T["Certificate.Detail.Issuer"], leaf.Issuer),
            new(T["Certificate.Detail.SubjectAlternativeNames"], names.Count == 0 ? T["Certificate.NoNames"] : string.Join(", ", names)),
            new(T["Certificate.Detail.ValidFrom"], Utc(leaf.NotBefore) + " UTC"),
            new(T["Certificate.Detail.ValidUntil"], Utc(leaf.NotAfter) + " UTC"),
            new(T["Certificate.Detail.Fingerprint"], Convert.ToHexString(leaf.GetCertHash(HashAlgorithmName.SHA256))),
            new(T["Certificate.Detail.NameCheckedAgainst"], TargetHost),
            new(T["Certificate.Detail.TrustAnchors"], T[UsesCustomRoots ? "Certificate.TrustAnchors.Given" : "Certificate.TrustAnchors.System"]),
            new(T["Certificate.Detail.ChainResult"], summary),
        ];
    }

    // Validity is shown in UTC in one unambiguous form in every language: the report is read beside server logs and
    // openssl output, which use UTC, and the run does not know the reader's time zone.
    private static string Utc(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
