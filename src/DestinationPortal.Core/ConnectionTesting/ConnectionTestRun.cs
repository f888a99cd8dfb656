using System.Net.Sockets;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Localization;
using Microsoft.Extensions.Logging;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// One admitted test, start to finish, as a sequence of stages that each take the run's context and return what they
/// found: resolve the name (<see cref="NameResolutionStage"/>) and hold every address to the network policy before any
/// socket opens; probe TCP, TLS and the requested authentication method on a raw socket to exactly the checked address,
/// no credential sent (<see cref="ServerProbe"/>); authenticate once with Npgsql to the same address
/// (<see cref="AuthenticationStage"/>); then run read-only checks (<see cref="DatabaseStage"/>). This class holds only
/// their order and the run's absolute deadline.
/// </summary>
internal sealed class ConnectionTestRun(
    ConnectionTestRequest request,
    NetworkPolicy networkPolicy,
    int deadlineMarginSeconds,
    IHostNameResolver resolver,
    RunEvents events,
    TimeProvider time,
    ILogger logger)
{
    private static Microsoft.Extensions.Localization.IStringLocalizer T => ConnectionTestText.Localizer;

    private readonly DestinationDefinition _destination = request.Destination;

    public async Task<Verdict> ExecuteAsync(CancellationToken stop)
    {
        if (CertificateCheck.TryCreate(IdnHost.ToAscii(_destination.ServerName) ?? _destination.ServerName, _destination.CaCertificatePem, out var certificateError) is not { } certificates)
        {
            return Verdict.Failure(null, ConnectionTestCategory.Configuration, certificateError!, DestinationField.CaCertificate);
        }

        var connections = new OpenConnections();
        var context = new ConnectionTestContext(request, DatabaseUser.Choose(_destination), certificates, events, connections, time);
        var deadlineSeconds = _destination.TimeoutSeconds + deadlineMarginSeconds;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        // Npgsql's Timeout does not cover an async TLS handshake, and its token is ignored before the startup message
        // and again after AuthenticationOk, where a server sending a notice every few milliseconds keeps it reading
        // forever. So the run has its own deadline: the stages race it, the run ends (and frees its slot) the moment
        // it passes, and every socket still open is closed under whatever was reading it (see docs/connection-testing.md).
        deadline.CancelAfter(TimeSpan.FromSeconds(deadlineSeconds));
        var stages = RunStagesAsync(context, deadline.Token);
        try
        {
            return await stages.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            events.Emit(events.Stage, ConnectionTestStatus.Failed, T["Runner.CancelledShort"], []);
            return Verdict.Failure(events.Stage, ConnectionTestCategory.Cancelled, T["Runner.CancelledDuring", Verdict.StageInSentence(events.Stage)], null);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // The margin is ours (slack for the stages to report their own timeouts first); the user set TimeoutSeconds.
            return context.TimedOut(_destination.TimeoutSeconds);
        }
        finally
        {
            if (!stages.IsCompleted)
            {
                // Abandoned at the deadline or by the caller: close its sockets under it, so it ends at once with an
                // error nobody waits for instead of reading on.
                connections.AbortAll();
                _ = stages.ContinueWith(
                    static (task, logger) => ((ILogger)logger!).LogDebug(task.Exception, "An abandoned connection test stage ended with an error"),
                    logger, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    private async Task<Verdict> RunStagesAsync(ConnectionTestContext context, CancellationToken ct)
    {
        var resolution = await NameResolutionStage.ResolveAsync(context, resolver, ct);
        if ((resolution.Failure ?? AdmitAddresses(context, resolution)) is { } refused)
        {
            return refused;
        }

        var mode = _destination.TlsMode;
        var relay = CanRelay(context) ? StartRelay(context, ct) : null;
        try
        {
            var probe = await ServerProbe.ProbeAsync(context, resolution.Addresses, requestTls: mode is not (TlsMode.Disable or TlsMode.Allow), relay, ct);
            if (probe.Failure is null && mode == TlsMode.Allow && probe.Startup?.SqlState == "28000")
            {
                // libpq's Allow: plaintext first, TLS only when the server refuses. Only a pg_hba refusal triggers the retry,
                // never a wrong password, so one test never costs two failed authentications.
                events.Emit(ConnectionTestStage.Authentication, ConnectionTestStatus.Warning,
                    T["Runner.AllowRetry", probe.Startup.ErrorMessage ?? ""], []);
                // The refused connection's relay holds that refusal: closed now, and the retry logs in on its own connection.
                if (relay is not null)
                {
                    await relay.AbandonUnlessAdoptedAsync();
                    relay = null;
                }

                probe = await ServerProbe.ProbeAsync(context, [probe.Address], requestTls: true, relay: null, ct);
            }

            if (probe.Failure is { } probeFailure)
            {
                return probeFailure;
            }

            var authentication = await AuthenticationStage.AuthenticateAsync(context, probe, relay, ct);
            if (authentication.Session is not { } session)
            {
                return authentication.Failure!;
            }

            await using (session)
            {
                return await DatabaseStage.CheckAsync(context, session, ct);
            }
        }
        finally
        {
            if (relay is not null)
            {
                await relay.AbandonUnlessAdoptedAsync();
            }
        }
    }

    /// <summary>
    /// Whether the login goes over the probe's connection (<see cref="RelayedLogin"/>), in every TLS Mode (without TLS
    /// too: then the relay is also what lets the run close Npgsql's connection at the deadline). Not with Windows
    /// Authentication: the portal's own Kerberos step must come first, and Npgsql's negotiate callback cannot wait for the
    /// probe. Not without a password: there is nothing to carry.
    /// </summary>
    private static bool CanRelay(ConnectionTestContext context) =>
        !context.Destination.WindowsAuthentication && !string.IsNullOrEmpty(context.Password);

    /// <summary>
    /// The relay, or null where it cannot open (no Unix sockets, a temp path too long for a socket's name): the run then
    /// logs in the sequential way.
    /// </summary>
    private RelayedLogin? StartRelay(ConnectionTestContext context, CancellationToken ct)
    {
        try
        {
            return RelayedLogin.Start(context, ct);
        }
        catch (Exception ex) when (ex is SocketException or IOException or PlatformNotSupportedException or UnauthorizedAccessException or ArgumentException)
        {
            logger.LogDebug(ex, "The connection test's login relay could not start; the login runs on its own connection");
            return null;
        }
    }

    /// <summary>
    /// The operator's network policy, applied to every resolved address before any socket opens, not just the first: a
    /// name may mix an allowed and a denied address. Its answer ends the name resolution stage's report.
    /// </summary>
    private Verdict? AdmitAddresses(ConnectionTestContext context, Resolution resolution)
    {
        foreach (var address in resolution.Addresses)
        {
            if (networkPolicy.Check(address, _destination.Port) is { } refusal)
            {
                return context.Fail(ConnectionTestCategory.RefusedByPolicy, T["Policy.Refused", refusal], context.HostField, resolution.Details);
            }
        }

        context.Emit(ConnectionTestStatus.Succeeded, T["Policy.Resolves", IdnHost.Display(_destination.ConnectHost), string.Join(", ", resolution.Addresses.Select(a => a.ToString()))],
            [.. resolution.Details, new(T["Policy.Detail"], T["Policy.Allowed"])]);
        return null;
    }
}
