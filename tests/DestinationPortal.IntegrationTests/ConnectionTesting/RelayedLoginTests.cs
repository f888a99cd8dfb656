using System.Collections.Concurrent;
using System.Text;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using static DestinationPortal.Core.ConnectionTesting.ServerWire;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// The login goes over the probe's own connection (issue 16, decision 59): with TLS and a password the server sees one
/// connection, whose certificate is the one the probe checked, and the password only after the probe's findings allowed
/// it; where the relay cannot serve, the sequential login on a second connection still does.
/// </summary>
public sealed class RelayedLoginTests
{
    private const string Password = "Relay-canary-pass-5";

    [Fact]
    public async Task RunAsync_TlsWithPassword_LoginTravelsOnTheProbesConnection()
    {
        using var certificate = FakeCertificates.Create().Server;
        var passwords = new ConcurrentQueue<(int Connection, string Password)>();
        await using var server = FakePostgreSqlServer.Start(async (session, ct) =>
        {
            await session.SendAsync(Authentication(3), ct);
            var (type, body) = await session.ReadMessageWithBodyAsync(ct);
            if (type == 'p')
            {
                passwords.Enqueue((session.Number, Encoding.UTF8.GetString(body).TrimEnd('\0')));
                await session.SendAsync(Error("28P01", "password authentication failed"), ct);
            }
        }, certificate);

        var events = await RunAsync(Destination(server.Port, "relay", TlsMode.Require), Password);

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.Authentication, nameof(DestinationInput.Password));
        // One TCP connection and one TLS handshake: the probe's, which also carried Npgsql's startup and password.
        Assert.Equal(1, server.Accepted);
        Assert.Equal((1, Password), Assert.Single(passwords));
    }

    [Fact]
    public async Task RunAsync_CarriedStartupAnsweredByNoPostgreSql_PasswordNeverSentAndConnectionClosed()
    {
        using var certificate = FakeCertificates.Create().Server;
        var messages = new ConcurrentQueue<char>();
        await using var server = FakePostgreSqlServer.Start(async (session, ct) =>
        {
            // Not an authentication request nor an error: whatever the client sends next is recorded.
            await session.SendAsync(Message('X', "not a PostgreSQL answer"u8), ct);
            messages.Enqueue(await session.ReadMessageAsync(ct));
        }, certificate);

        var events = await RunAsync(Destination(server.Port, "relay", TlsMode.Require), Password);

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.NotPostgreSql, nameof(DestinationInput.Port));
        Assert.Equal(1, server.Accepted);
        Assert.Empty(messages);
        // Closed on both sides of the relay, not left open.
        await server.WaitUntilClosedAsync(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task RunAsync_ServerOffersOnlyScramPlus_SequentialLoginBindsToItsOwnTls()
    {
        using var certificate = FakeCertificates.Create().Server;
        var chosen = new ConcurrentQueue<string>();
        await using var server = FakePostgreSqlServer.Start(async (session, ct) =>
        {
            await session.SendAsync(SaslMechanisms(["SCRAM-SHA-256-PLUS"]), ct);
            var (type, body) = await session.ReadMessageWithBodyAsync(ct);
            if (type == 'p')
            {
                // SASLInitialResponse starts with the chosen mechanism's name.
                chosen.Enqueue(Encoding.UTF8.GetString(body, 0, Array.IndexOf(body, (byte)0)));
                await session.SendAsync(Error("28P01", "password authentication failed"), ct);
            }
        }, certificate);

        var events = await RunAsync(Destination(server.Port, "relay", TlsMode.Require), Password);

        // The relayed login (no TLS of its own) could not bind; the one that did was the second, sequential connection.
        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.Authentication, nameof(DestinationInput.Password));
        Assert.Equal(2, server.Accepted);
        Assert.Equal("SCRAM-SHA-256-PLUS", Assert.Single(chosen));
    }

    [Fact]
    public async Task RunAsync_SequentialLoginShownAnotherCertificate_PasswordWithheld()
    {
        // Require checks no chain, so both certificates are acceptable on their own; only the pin tells them apart.
        using var probeCertificate = FakeCertificates.Create().Server;
        using var otherCertificate = FakeCertificates.Create().Server;
        var sent = new ConcurrentQueue<char>();
        await using var server = FakePostgreSqlServer.StartWithCertificates(async (session, ct) =>
        {
            // Only -PLUS: the relay cannot serve, so the login needs a connection of its own, which shows another key.
            await session.SendAsync(SaslMechanisms(["SCRAM-SHA-256-PLUS"]), ct);
            sent.Enqueue(await session.ReadMessageAsync(ct));
        }, number => number == 1 ? probeCertificate : otherCertificate);

        var events = await RunAsync(Destination(server.Port, "relay", TlsMode.Require), Password);

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.Tls, nameof(DestinationInput.TlsMode));
        Assert.Contains("differs from the one checked", Outcome(events).Explanation, StringComparison.Ordinal);
        Assert.Equal(2, server.Accepted);
        Assert.Empty(sent);
    }
}
