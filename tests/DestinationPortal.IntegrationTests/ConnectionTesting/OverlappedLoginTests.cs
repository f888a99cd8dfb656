using System.Collections.Concurrent;
using System.Text;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using static DestinationPortal.IntegrationTests.ConnectionTesting.PostgreSqlSession;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// The login runs beside the probe (issue 16), and its password still waits for the probe: a server that fails the probe,
/// or shows the login another certificate than the one the probe checked, never receives it, even though the login's
/// connection is already at the password prompt when the probe's answer comes.
/// </summary>
public sealed class OverlappedLoginTests
{
    private const string Password = "Overlap-canary-pass-5";

    [Fact]
    public async Task RunAsync_ProbeAnsweredByNoPostgreSqlWhileLoginWaitsAtPasswordPrompt_PasswordNeverSent()
    {
        using var certificate = FakeCertificates.Create().Server;
        var loginAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var passwords = new ConcurrentQueue<string>();
        await using var server = FakePostgreSqlServer.Start(async (session, ct) =>
        {
            if (!session.IsLogin)
            {
                // The probe's answer comes only once the login has been asked for its password, so the password provider
                // is already waiting when the probe finds the server is not PostgreSQL.
                await loginAsked.Task.WaitAsync(ct);
                await session.SendAsync(Message('X', "not a PostgreSQL answer"u8), ct);
                return;
            }

            await session.SendAsync(Authentication(3), ct);
            loginAsked.TrySetResult();
            await RecordPasswordAsync(session, passwords, ct);
        }, certificate);

        var events = await RunAsync(Destination(server.Port, "overlap", TlsMode.Require), Password);

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.NotPostgreSql, nameof(DestinationInput.Port));
        Assert.Equal(2, server.Accepted);
        Assert.Empty(passwords);
        // The abandoned login's connection is closed, not left at the prompt.
        await server.WaitUntilClosedAsync(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task RunAsync_LoginConnectionShowsAnotherCertificateThanTheProbe_PasswordWithheld()
    {
        // Require checks no chain, so both certificates are acceptable on their own; only the pin tells them apart.
        using var probeCertificate = FakeCertificates.Create().Server;
        using var otherCertificate = FakeCertificates.Create().Server;
        var passwords = new ConcurrentQueue<string>();
        await using var server = FakePostgreSqlServer.StartWithCertificates(async (session, ct) =>
        {
            await session.SendAsync(Authentication(3), ct);
            if (session.IsLogin)
            {
                await RecordPasswordAsync(session, passwords, ct);
            }
        }, number => number == 1 ? probeCertificate : otherCertificate); // whichever connects first, the two see different certificates

        var events = await RunAsync(Destination(server.Port, "overlap", TlsMode.Require), Password);

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.Tls, nameof(DestinationInput.TlsMode));
        Assert.Contains("differs from the one checked", Outcome(events).Explanation, StringComparison.Ordinal);
        Assert.Equal(2, server.Accepted);
        Assert.Empty(passwords);
    }

    private static async Task RecordPasswordAsync(PostgreSqlSession session, ConcurrentQueue<string> passwords, CancellationToken ct)
    {
        var (type, body) = await session.ReadMessageWithBodyAsync(ct);
        if (type == 'p')
        {
            passwords.Enqueue(Encoding.UTF8.GetString(body).TrimEnd('\0'));
            await session.SendAsync(Error("28P01", "password authentication failed"), ct);
        }
    }
}
