using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Core.ConnectionTesting;

internal sealed partial class ConnectionTestRun
{
    private const int ExpiryWarningDays = 30;

    private async Task<(SslStream? Stream, Verdict? Failure)> NegotiateTlsAsync(NetworkStream network, IPAddress address, CancellationToken ct)
    {
        Emit(ConnectionTestStatus.Running, "Asking the server for TLS (SSLRequest).", []);
        var reply = await PostgresWireProbe.SendSslRequestAsync(network, ct);
        _serverOffersTls = reply switch
        {
            SslRequestReply.Accepted => true,
            SslRequestReply.Declined => false,
            _ => null,
        };
        switch (reply)
        {
            case SslRequestReply.NotPostgreSql:
                return (null, NotPostgreSql(address));
            case SslRequestReply.Declined when Mode is TlsMode.Prefer or TlsMode.Allow:
                // Allow gets here only on its retry after a pg_hba refusal without TLS; without TLS on offer, that
                // refusal stands, and the unencrypted attempt below reports it with what is now known.
                Emit(ConnectionTestStatus.Warning, $"The server does not offer TLS; continuing unencrypted (TLS Mode {Mode.DisplayName()})." + GssEncryptionNote, [new("Encrypted", "no")]);
                return (null, null);
            case SslRequestReply.Declined:
                return (null, Fail(ConnectionTestCategory.Tls,
                    $"The server does not offer TLS, but TLS Mode {Mode.DisplayName()} requires it. Turn on ssl on the server, or choose Prefer to allow an unencrypted connection.",
                    nameof(DestinationInput.TlsMode), [new("Encrypted", "no")]));
        }

        CertificateFindings? findings = null;
        var options = new SslClientAuthenticationOptions();
        _certificates.Apply(options);
        // The callback keeps what it saw, so a rejected certificate is still reported in full.
        options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            findings = _certificates.Evaluate(certificate, chain, errors, _time.GetUtcNow());
            return CertificateAcceptable(findings, Mode);
        };
        var ssl = new SslStream(network, leaveInnerStreamOpen: true);
        try
        {
            await ssl.AuthenticateAsClientAsync(options, ct);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync();
            if (findings is not null && !CertificateAcceptable(findings, Mode))
            {
                return (null, CertificateFailure(findings, [.. findings.Details]));
            }

            return (null, Fail(ConnectionTestCategory.Tls, $"The TLS handshake failed: {ex.Message}", nameof(DestinationInput.TlsMode), []));
        }

        findings ??= _certificates.Evaluate(null, null, SslPolicyErrors.RemoteCertificateNotAvailable, _time.GetUtcNow());
        var details = new List<ConnectionTestDetail>
        {
            new("Protocol", ProtocolName(ssl.SslProtocol)),
            new("Cipher suite", ssl.NegotiatedCipherSuite.ToString()),
        };
        details.AddRange(findings.Details);
        var verified = Mode.ChecksCertificate();
        var message = $"Encrypted with {ProtocolName(ssl.SslProtocol)}. " + (verified
            ? $"Certificate verified ({(Mode == TlsMode.VerifyFull ? "chain and name" : "chain; name not checked by Verify CA")})."
            : $"Certificate not checked: TLS Mode {Mode.DisplayName()} encrypts but does not authenticate the server (the check would say: {findings.ChainSummary}).");
        var status = ConnectionTestStatus.Succeeded;
        if (findings.NotAfter is { } notAfter && notAfter > _time.GetUtcNow() && notAfter - _time.GetUtcNow() < TimeSpan.FromDays(ExpiryWarningDays))
        {
            status = ConnectionTestStatus.Warning;
            message += $" The certificate expires in {(notAfter - _time.GetUtcNow()).TotalDays:0} days.";
        }

        Emit(status, message, details);
        return (ssl, null);
    }

    /// <summary>
    /// Sends TLS close_notify so the server sees an orderly hang-up at the password prompt instead of a reset, which it
    /// would log as "could not receive data from client".
    /// </summary>
    private static async Task CloseQuietlyAsync(SslStream ssl)
    {
        try
        {
            await ssl.ShutdownAsync();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The probe's answer is already in hand; a failed goodbye changes nothing.
        }
    }

    /// <summary>Shared by the probe and by the Npgsql connection's validation callback.</summary>
    private static bool CertificateAcceptable(CertificateFindings findings, TlsMode mode) => mode switch
    {
        TlsMode.VerifyFull => findings.Problems.Count == 0,
        TlsMode.VerifyCA => findings.Problems.All(p => p == CertificateProblem.NameMismatch),
        _ => true,
    };

    private Verdict CertificateFailure(CertificateFindings findings, List<ConnectionTestDetail> details)
    {
        var field = findings.Has(CertificateProblem.UntrustedRoot) || findings.Has(CertificateProblem.OtherChainError) ? nameof(DestinationInput.CaCertificate)
            : findings.Has(CertificateProblem.NameMismatch) ? nameof(DestinationInput.ServerName)
            : findings.Has(CertificateProblem.NoCertificate) ? nameof(DestinationInput.TlsMode)
            : null; // Expired or not yet valid: the fix is on the server.
        return Fail(ConnectionTestCategory.Tls, $"The server certificate failed the {Mode.DisplayName()} check: {findings.ChainSummary}.", field, details);
    }

    // The names people read in server logs and pg_stat_ssl ("TLS 1.3"), not the enum's ("Tls13").
    private static string ProtocolName(System.Security.Authentication.SslProtocols protocol) => protocol switch
    {
        System.Security.Authentication.SslProtocols.Tls13 => "TLS 1.3",
        System.Security.Authentication.SslProtocols.Tls12 => "TLS 1.2",
        _ => protocol.ToString(),
    };
}
