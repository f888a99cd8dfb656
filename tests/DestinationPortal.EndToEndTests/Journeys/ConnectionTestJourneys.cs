using System.Text.RegularExpressions;
using DestinationPortal.EndToEndTests.Infrastructure;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Journeys;

/// <summary>Journeys 3 to 5: Test Connection against real PostgreSQL servers, watched stage by stage.</summary>
[Collection(PortalTestGroup.Name)]
public sealed class ConnectionTestJourneys(PortalFixture portal) : IAsyncLifetime
{
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await portal.NewContextAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task TestConnection_TlsServer_StagesArriveOneByOneThenSuccessWithServerVersion()
    {
        var name = $"verified-{Unique.Token()}";
        var page = await portal.Session.OpenAsync(_context);
        await DestinationForm.CreateAsync(page, new DestinationValues(name)
        {
            ServerName = "localhost",
            TlsMode = "Verify Full",
            Port = portal.PostgreSql.Tls.Port,
            Username = TestRoles.Scram,
            Password = TestRoles.ScramPassword,
            Database = "postgres",
            CaCertificate = portal.PostgreSql.Certificates.Ca.CertificatePem,
        });
        await DestinationForm.OpenAsync(page, name);

        await TestReport.RecordAsync(page);
        await DestinationForm.Button(page, "Test Connection").ClickAsync();

        var result = TestReport.Result(page);
        await Expect(result).ToContainTextAsync("Connection works.");
        await Expect(result).ToContainTextAsync($"Connected to localhost as {TestRoles.Scram}");
        await Expect(TestReport.Stage(page, "Database")).ToContainTextAsync(await ServerVersionAsync(portal.PostgreSql.Tls));
        foreach (var stage in TestReport.StageOrder)
        {
            await Expect(TestReport.Stage(page, stage)).ToHaveAttributeAsync("data-status", "Succeeded");
        }

        // Stages appear one by one: each row is added only after the stage before it finished (left Running), and
        // the result only after the last stage finished.
        var changes = (await TestReport.RecordedChangesAsync(page)).ToList();
        for (var i = 1; i < TestReport.StageOrder.Length; i++)
        {
            var finished = changes.IndexOf($"left Running {TestReport.StageOrder[i - 1]}");
            var added = changes.IndexOf($"added {TestReport.StageOrder[i]}");
            Assert.True(finished >= 0 && added > finished, $"{TestReport.StageOrder[i]} did not appear after {TestReport.StageOrder[i - 1]} finished: {string.Join(", ", changes)}");
        }

        // The result never shows while the last stage still runs. Both may arrive in one frame (the last stage's end and
        // the result come a moment apart, and the row is a child component, whose edits the page applies after its
        // parent's in one batch), which nobody can tell apart from "one after the other".
        var batches = await TestReport.RecordedBatchesAsync(page);
        var lastFinished = changes.IndexOf("left Running Database");
        var resultShown = changes.IndexOf("result");
        Assert.True(lastFinished >= 0 && resultShown >= 0 && batches[resultShown] >= batches[lastFinished],
            "The result appeared before the last stage finished: " + string.Join(", ", changes.Select((c, i) => $"{c} ({batches[i]})")));

        // Before any result was on screen, the TLS stage already named the protocol and authentication the method.
        var seen = await TestReport.RecordedSnapshotsAsync(page);
        Assert.Contains(seen, s => s.Result is null
            && s.Stage("Tls") is { } tls && Regex.IsMatch(tls.Text, @"Encrypted with TLS 1\.[23]\.") && tls.Text.Contains("Certificate verified (chain and name)", StringComparison.Ordinal)
            && s.Stage("Authentication") is { } authentication && authentication.Text.Contains("SCRAM-SHA-256", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TestConnection_WrongPassword_FailsAtAuthenticationAndMarksPassword()
    {
        var page = await portal.Session.OpenAsync(_context);
        await DestinationForm.AddAsync(page);
        await DestinationForm.FillAsync(page, new DestinationValues($"wrong-password-{Unique.Token()}")
        {
            ServerName = "127.0.0.1",
            TlsMode = "Require",
            Port = portal.PostgreSql.Tls.Port,
            Username = TestRoles.Scram,
            Password = "not-the-password",
            Database = "postgres",
        });

        await DestinationForm.Button(page, "Test Connection").ClickAsync();

        var result = TestReport.Result(page);
        await Expect(result).ToContainTextAsync("Connection failed.");
        await Expect(result).ToContainTextAsync("Stage: Authentication.");
        await Expect(result).ToContainTextAsync("Field to check: Password.");
        await Expect(result).ToContainTextAsync("SQLSTATE 28P01.");
        await Expect(TestReport.Stage(page, "Authentication")).ToHaveAttributeAsync("data-status", "Failed");
        await Expect(TestReport.Stage(page, "Database")).ToHaveCountAsync(0);

        // The field to fix is marked where the person types, with the explanation next to it.
        var password = DestinationForm.Field(page, "Password");
        await Expect(password).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator(".mud-input-control").Filter(new() { Has = password }))
            .ToContainTextAsync($"Password authentication failed for user {TestRoles.Scram}");
    }

    [Fact]
    public async Task TestConnection_RequireAgainstServerWithoutTls_FailsAtTlsNamingTlsMode()
    {
        var page = await portal.Session.OpenAsync(_context);
        await DestinationForm.AddAsync(page);
        await DestinationForm.FillAsync(page, new DestinationValues($"no-tls-{Unique.Token()}")
        {
            ServerName = "127.0.0.1",
            TlsMode = "Require",
            Port = portal.PostgreSql.NoTls.Port,
            Username = TestRoles.Scram,
            Password = TestRoles.ScramPassword,
            Database = "postgres",
        });

        await DestinationForm.Button(page, "Test Connection").ClickAsync();

        var result = TestReport.Result(page);
        await Expect(result).ToContainTextAsync("Connection failed.");
        await Expect(result).ToContainTextAsync("Stage: TLS.");
        await Expect(result).ToContainTextAsync("Field to check: TLS Mode.");
        await Expect(TestReport.Stage(page, "Tls")).ToHaveAttributeAsync("data-status", "Failed");
        await Expect(TestReport.Stage(page, "Tls")).ToContainTextAsync("The server does not offer TLS, but TLS Mode Require requires it.");
        await Expect(TestReport.Stage(page, "Authentication")).ToHaveCountAsync(0);

        var tlsMode = page.Locator(".labeled-select").Filter(new() { Has = DestinationForm.Field(page, "TLS Mode") });
        await Expect(tlsMode).ToContainTextAsync("The server does not offer TLS");
    }

    private static async Task<string> ServerVersionAsync(IPostgreSqlServer cluster)
    {
        await using var dataSource = NpgsqlDataSource.Create(cluster.SuperuserConnectionString());
        await using var command = dataSource.CreateCommand("SHOW server_version");
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
