using System.Collections.Concurrent;
using System.Text;
using DestinationPortal.EndToEndTests.Infrastructure;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Journeys;

/// <summary>Journey 9: a saved password never comes back to the browser, nor into the console or the log.</summary>
[Collection(PortalTestGroup.Name)]
public sealed class SecretJourneys(PortalFixture portal) : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _consoleMessages = new();
    private readonly ConcurrentQueue<(bool AfterSave, byte[] Payload)> _frames = new();
    private IBrowserContext _context = null!;
    private volatile bool _saved;

    public async Task InitializeAsync()
    {
        _context = await portal.NewContextAsync();
        _context.Page += (_, page) => Watch(page);
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task CanaryPassword_AfterSaving_InNoPageHtmlWebSocketFrameConsoleMessageOrLog()
    {
        var token = Unique.Token();
        var canary = $"canary-{Guid.NewGuid():N}";
        var role = TestRoles.NoCreate;
        var name = $"secret-{token}";
        // The canary is a real password: a passing test with the stored password proves the portal holds and uses the
        // secret, so its absence from the browser is not just an empty field. pg_hba.conf admits only the fixture's
        // roles; no other journey uses this one.
        await SetPasswordAsync(role, canary);

        var page = await portal.Session.OpenAsync(_context);
        await DestinationForm.CreateAsync(page, new DestinationValues(name)
        {
            ServerName = "127.0.0.1",
            TlsMode = "Require",
            Port = portal.PostgreSql.Tls.Port,
            Username = role,
            Password = canary,
            Database = "postgres",
        });
        // Up to here the canary travelled over the circuit: the person typed it and the server rendered the field's
        // value back (Blazor sets it as the input's value property, not as markup). From now on nothing may carry it.
        _saved = true;
        await AssertPageHasNoCanaryAsync(page, canary, "Manage Destinations after saving");

        await DestinationForm.OpenAsync(page, name);
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Password" })).ToContainTextAsync("a password is saved");
        await AssertPageHasNoCanaryAsync(page, canary, "Destination Details");

        await DestinationForm.Button(page, "Test Connection").ClickAsync();
        await Expect(TestReport.Result(page)).ToContainTextAsync($"Connected to 127.0.0.1 as {role}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show report text" }).ClickAsync();
        await Expect(page.Locator(".test-report-text")).ToContainTextAsync("Authentication");
        await Expect(page.GetByTestId("test-history")).ToContainTextAsync("Passed");
        await AssertPageHasNoCanaryAsync(page, canary, "a finished test with its report text and history");

        // "Password" labels the saved-password group until the click re-renders it as an empty field.
        await page.GetByRole(AriaRole.Button, new() { Name = "Replace password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Password" })).ToHaveCountAsync(0);
        await Expect(DestinationForm.Field(page, "Password")).ToHaveValueAsync("");
        await AssertPageHasNoCanaryAsync(page, canary, "Replace password");

        await page.ReloadAsync();
        await PortalSession.WaitForInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Password" })).ToContainTextAsync("a password is saved");
        await AssertPageHasNoCanaryAsync(page, canary, "Destination Details reloaded");

        await DestinationForm.BackToGridAsync(page);
        await DestinationForm.FilterAsync(page, name);
        await page.GetByRole(AriaRole.Link, new() { Name = $"Copy {name}", Exact = true }).ClickAsync();
        await Expect(DestinationForm.Field(page, "Name")).ToHaveValueAsync($"Copy of {name}");
        await AssertPageHasNoCanaryAsync(page, canary, "Copy destination");

        var bytes = Encoding.UTF8.GetBytes(canary);
        var afterSave = _frames.Where(f => f.AfterSave).ToList();
        Assert.True(afterSave.Count > 0, "No WebSocket frames were observed after saving; the check would prove nothing.");
        Assert.DoesNotContain(afterSave, f => f.Payload.AsSpan().IndexOf(bytes) >= 0);
        Assert.DoesNotContain(_consoleMessages, m => m.Contains(canary, StringComparison.Ordinal));
        Assert.DoesNotContain(canary, portal.App.Output, StringComparison.Ordinal);
    }

    private static async Task AssertPageHasNoCanaryAsync(IPage page, string canary, string where)
    {
        var html = await page.ContentAsync();
        Assert.False(html.Contains(canary, StringComparison.Ordinal), $"The canary password is in the HTML of {where}.");
        // Typed values live in the inputs' value property, which the HTML does not show.
        var values = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('input, textarea, select')].map(e => e.value)");
        Assert.DoesNotContain(canary, values);
    }

    private async Task SetPasswordAsync(string role, string password)
    {
        await using var dataSource = NpgsqlDataSource.Create(portal.PostgreSql.Tls.SuperuserConnectionString());
        // A password cannot be bound as a parameter here; it is generated by the test, not typed by anyone.
        await using var command = dataSource.CreateCommand($"ALTER ROLE {role} PASSWORD '{password}'");
        await command.ExecuteNonQueryAsync();
    }

    private void Watch(IPage page)
    {
        page.Console += (_, message) => _consoleMessages.Enqueue(message.Text);
        page.PageError += (_, error) => _consoleMessages.Enqueue(error);
        page.WebSocket += (_, socket) =>
        {
            socket.FrameSent += (_, frame) => _frames.Enqueue((_saved, Payload(frame)));
            socket.FrameReceived += (_, frame) => _frames.Enqueue((_saved, Payload(frame)));
        };
    }

    private static byte[] Payload(IWebSocketFrame frame) => frame.Binary ?? Encoding.UTF8.GetBytes(frame.Text ?? "");
}
