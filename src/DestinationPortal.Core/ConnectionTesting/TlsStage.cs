using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Localization;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// What the TLS stage found: the encrypted stream (null when the run goes on unencrypted), the server's answer to
/// SSLRequest (true 'S', false 'N', null when not asked, which advice that blames TLS Mode needs), or the failure; and
/// the SHA-256 hash of the certificate the server showed, which the authenticating connection must show again.
/// </summary>
internal sealed record TlsResult(SslStream? Stream, bool? ServerOffersTls, Verdict? Failure, byte[]? CertificateHash = null);

/// <summary>Asks for TLS on the probe's socket and checks the server's certificate as TLS Mode says.</summary>
internal static class TlsStage
{
    private const int ExpiryWarningDays = 30;

    private static IStringLocalizer T => ConnectionTestText.Localizer;

    /// <summary>Reports why this connection does not ask for TLS (Disable, or Allow's first try).</summary>
    public static TlsResult Skip(ConnectionTestContext context)
    {
        context.Events.Enter(ConnectionTestStage.Tls);
        context.Emit(ConnectionTestStatus.Skipped, T[context.Mode == TlsMode.Allow ? "Tls.Skipped.Allow" : "Tls.Skipped.Disable"] + context.GssEncryptionNote, []);
        return new(null, null, null);
    }

    public static async Task<TlsResult> NegotiateAsync(ConnectionTestContext context, NetworkStream network, IPAddress address, CancellationToken ct)
    {
        context.Events.Enter(ConnectionTestStage.Tls);
        var mode = context.Mode;
        context.Emit(ConnectionTestStatus.Running, T["Tls.Asking"], []);
        var reply = await PostgresWireProbe.SendSslRequestAsync(network, ct);
        switch (reply)
        {
            case SslRequestReply.NotPostgreSql:
                return new(null, null, context.NotPostgreSql(address));
            case SslRequestReply.Declined when mode is TlsMode.Prefer or TlsMode.Allow:
                // Allow gets here only on its retry after a pg_hba refusal without TLS; without TLS on offer, that
                // refusal stands, and the unencrypted attempt reports it with what is now known.
                context.Emit(ConnectionTestStatus.Warning, T["Tls.NotOffered.Continuing", mode.DisplayName()] + context.GssEncryptionNote, [NotEncrypted()]);
                return new(null, false, null);
            case SslRequestReply.Declined:
                return new(null, false, context.Fail(ConnectionTestCategory.Tls, T["Tls.NotOffered.Required", DestinationField.TlsMode.Label, mode.DisplayName()],
                    DestinationField.TlsMode, [NotEncrypted()]));
        }

        CertificateFindings? findings = null;
        byte[]? certificateHash = null;
        var options = new SslClientAuthenticationOptions();
        context.Certificates.Apply(options);
        // The callback keeps what it saw, so a rejected certificate is still reported in full.
        options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            findings = context.Certificates.Evaluate(certificate, chain, errors, context.Time.GetUtcNow());
            certificateHash = certificate?.GetCertHash(HashAlgorithmName.SHA256);
            return CertificateAcceptable(findings, mode);
        };
        var ssl = new SslStream(network, leaveInnerStreamOpen: true);
        try
        {
            await ssl.AuthenticateAsClientAsync(options, ct);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync();
            if (findings is not null && !CertificateAcceptable(findings, mode))
            {
                return new(null, true, CertificateFailure(context, findings));
            }

            return new(null, true, context.Fail(ConnectionTestCategory.Tls, T["Tls.HandshakeFailed", ex.Message], DestinationField.TlsMode, []));
        }

        ReportEncrypted(context, ssl, findings ?? context.Certificates.Evaluate(null, null, SslPolicyErrors.RemoteCertificateNotAvailable, context.Time.GetUtcNow()));
        return new(ssl, true, null, certificateHash);
    }

    /// <summary>Shared by the probe and by the Npgsql connection's validation callback.</summary>
    public static bool CertificateAcceptable(CertificateFindings findings, TlsMode mode) => mode switch
    {
        TlsMode.VerifyFull => findings.Problems.Count == 0,
        TlsMode.VerifyCA => findings.Problems.All(p => p == CertificateProblem.NameMismatch),
        _ => true,
    };

    /// <summary>
    /// Sends TLS close_notify so the server sees an orderly hang-up at the password prompt instead of a reset, which it
    /// would log as "could not receive data from client".
    /// </summary>
    public static async Task CloseQuietlyAsync(SslStream ssl)
    {
        try
        {
            await ssl.ShutdownAsync();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException || IsTlsLayerError(ex))
        {
            // The probe's answer is already in hand; a failed goodbye changes nothing.
        }
    }

    // OpenSSL's own error type is internal to .NET (Interop+OpenSsl+SslException): a peer that has already gone away can
    // make the goodbye fail with it instead of an IOException.
    private static bool IsTlsLayerError(Exception ex) => ex.GetType().Name == "SslException";

    private static void ReportEncrypted(ConnectionTestContext context, SslStream ssl, CertificateFindings findings)
    {
        var mode = context.Mode;
        var now = context.Time.GetUtcNow();
        var details = new List<ConnectionTestDetail>
        {
            new(T["Tls.Detail.Protocol"], ProtocolName(ssl.SslProtocol)),
            new(T["Tls.Detail.CipherSuite"], ssl.NegotiatedCipherSuite.ToString()),
        };
        details.AddRange(findings.Details);
        var protocol = ProtocolName(ssl.SslProtocol);
        string message = !mode.ChecksCertificate() ? T["Tls.Encrypted.NotChecked", protocol, mode.DisplayName(), findings.ChainSummary]
            : mode == TlsMode.VerifyFull ? T["Tls.Encrypted.VerifiedFull", protocol]
            : T["Tls.Encrypted.VerifiedCa", protocol];
        var status = ConnectionTestStatus.Succeeded;
        if (findings.NotAfter is { } notAfter && notAfter > now && notAfter - now < TimeSpan.FromDays(ExpiryWarningDays))
        {
            status = ConnectionTestStatus.Warning;
            message += " " + T["Tls.ExpiresSoon", (notAfter - now).TotalDays];
        }

        context.Emit(status, message, details);
    }

    private static Verdict CertificateFailure(ConnectionTestContext context, CertificateFindings findings)
    {
        var field = findings.Has(CertificateProblem.UntrustedRoot) || findings.Has(CertificateProblem.OtherChainError) ? DestinationField.CaCertificate
            : findings.Has(CertificateProblem.NameMismatch) ? DestinationField.ServerName
            : findings.Has(CertificateProblem.NoCertificate) ? DestinationField.TlsMode
            : null; // Expired or not yet valid: the fix is on the server.
        return context.Fail(ConnectionTestCategory.Tls, T["Tls.CertificateFailed", context.Mode.DisplayName(), findings.ChainSummary], field, [.. findings.Details]);
    }

    private static ConnectionTestDetail NotEncrypted() => new(T["Tls.Detail.Encrypted"], T["Auth.Encrypted.No"]);

    // The names people read in server logs and pg_stat_ssl ("TLS 1.3"), not the enum's ("Tls13").
    private static string ProtocolName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLS 1.3",
        SslProtocols.Tls12 => "TLS 1.2",
        _ => protocol.ToString(),
    };
}
