using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

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
                error = "The CA certificate is not a valid PEM certificate.";
                return null;
            }

            if (roots.Count == 0)
            {
                error = "The CA certificate field holds no PEM certificate (-----BEGIN CERTIFICATE-----).";
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
            return new CertificateFindings([CertificateProblem.NoCertificate], "The server sent no certificate.", [], null);
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var problems = new List<CertificateProblem>();
        var reasons = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            problems.Add(CertificateProblem.NameMismatch);
            reasons.Add($"name mismatch: the certificate is not issued for '{TargetHost}'");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var flags = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status) ?? X509ChainStatusFlags.NoError;
            if (flags.HasFlag(X509ChainStatusFlags.NotTimeValid) || now > leaf.NotAfter || now < leaf.NotBefore)
            {
                var expired = now > leaf.NotAfter;
                problems.Add(expired ? CertificateProblem.Expired : CertificateProblem.NotYetValid);
                reasons.Add(expired
                    ? $"expired on {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC"
                    : $"not valid before {leaf.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC");
            }

            if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
            {
                problems.Add(CertificateProblem.UntrustedRoot);
                reasons.Add(UsesCustomRoots
                    ? "untrusted root: the certificate is not signed by the CA certificate given"
                    : "untrusted root: the certificate is not signed by a CA this server trusts");
            }

            var other = flags & ~(X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain);
            if (other != X509ChainStatusFlags.NoError || problems.Count == 0)
            {
                problems.Add(CertificateProblem.OtherChainError);
                reasons.Add("chain error: " + other);
            }
        }

        var summary = reasons.Count == 0 ? "valid (trusted chain, name matches)" : string.Join("; ", reasons);
        return new CertificateFindings(problems, summary, Describe(leaf, summary), new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero));
    }

    private List<ConnectionTestDetail> Describe(X509Certificate2 leaf, string summary)
    {
        var names = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .SelectMany(san => san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(ip => ip.ToString())))
            .ToList();
        return
        [
            new("Certificate subject", leaf.Subject),
            new("Certificate issuer", leaf.Issuer),
            new("Subject alternative names", names.Count == 0 ? "(none)" : string.Join(", ", names)),
            new("Valid from", leaf.NotBefore.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)),
            new("Valid until", leaf.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)),
            new("SHA-256 fingerprint", Convert.ToHexString(leaf.GetCertHash(HashAlgorithmName.SHA256))),
            new("Name checked against", TargetHost),
            new("Trust anchors", UsesCustomRoots ? "the CA certificate given" : "this server's system store"),
            new("Chain result", summary),
        ];
    }
}
