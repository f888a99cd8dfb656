using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using DestinationPortal.Core.Access;
using DestinationPortal.Web.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DestinationPortal.IntegrationTests.Hosting;

/// <summary>
/// The real web app in memory (Production settings) over a fresh data directory that is deleted afterwards. The first
/// administrator comes from configuration (Portal:Admin), as in a container.
/// </summary>
public sealed partial class PortalApp(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    public const string AdminName = "admin";
    public const string AdminPassword = "integration admin passphrase";

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("dp-app-");

    public PortalApp()
        : this(null)
    {
    }

    /// <summary>Every log message the app wrote, formatted, for "never logged" assertions and the setup token.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Logs { get; } = new();

    public string DataDirectory => _data.FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Portal:DataDirectory", _data.FullName);
        builder.UseSetting("Portal:Admin:UserName", AdminName);
        builder.UseSetting("Portal:Admin:Password", AdminPassword);
        // Tests sign in far more often than a person; the limit itself has its own test with its own setting.
        builder.UseSetting("Portal:Access:SignInRequestsPerMinute", "1000");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)));
        builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, TestRemoteAddress>());
        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }

    /// <summary>Runs <paramref name="action"/> with services from a fresh scope, as one request by <paramref name="userName"/> would.</summary>
    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> action, string? userName = AdminName)
    {
        await using var scope = Services.CreateAsyncScope();
        var principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        if (userName is not null)
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = await users.FindByNameAsync(userName) ?? throw new InvalidOperationException($"No user {userName}.");
            principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<PortalUser>>().CreateAsync(user);
        }

        scope.ServiceProvider.GetRequiredService<CurrentUser>().Set(CurrentUser.From(principal, "127.0.0.1"));

        return await action(scope.ServiceProvider);
    }

    /// <summary>Adds an active user with a known password (no forced change), straight through Identity.</summary>
    public async Task<string> CreateUserAsync(string userName, PortalRole role, string password = "a user passphrase of some length")
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var result = await users.CreateAsync(new PortalUser { UserName = userName, Role = role, LockoutEnabled = true, CreatedAtUtc = DateTime.UtcNow }, password);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
        return password;
    }

    /// <summary>
    /// An HTTP client that keeps cookies and does not follow redirects, so tests see every 302; with
    /// <paramref name="fromAddress"/>, its requests come from that client address.
    /// </summary>
    public HttpClient CreateBrowserClient(string? fromAddress = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        if (fromAddress is not null)
        {
            client.DefaultRequestHeaders.Add(TestRemoteAddress.HeaderName, fromAddress);
        }

        return client;
    }

    /// <summary>Signs in through the real sign-in form (antiforgery token included) and returns the response to the POST.</summary>
    public static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string userName, string password)
    {
        var page = await client.GetStringAsync("/account/signin");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
            ["_handler"] = "signin",
            ["Form.UserName"] = userName,
            ["Form.Password"] = password,
        });
        return await client.PostAsync("/account/signin", form);
    }

    /// <summary>A browser-like client signed in as <paramref name="userName"/>.</summary>
    public async Task<HttpClient> SignedInClientAsync(string userName = AdminName, string password = AdminPassword)
    {
        var client = CreateBrowserClient();
        using var response = await PostSignInAsync(client, userName, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>A personal API token for <paramref name="userName"/>, issued by <c>POST /api/auth/tokens</c>.</summary>
    public async Task<string> IssueTokenAsync(string userName = AdminName, string password = AdminPassword)
    {
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/api/auth/tokens", new { userName, password, name = "tests" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!.Token;
    }

    /// <summary>A client that sends <c>Authorization: Bearer</c> with a fresh token of <paramref name="userName"/>.</summary>
    public async Task<HttpClient> TokenClientAsync(string userName = AdminName, string password = AdminPassword)
    {
        var token = await IssueTokenAsync(userName, password);
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static string AntiforgeryToken(string html) =>
        AntiforgeryInput().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("No antiforgery token in the page.");

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();
}

/// <summary>
/// Lets a test say which client address a request comes from (<see cref="HeaderName"/>), as requests from two machines
/// would; in front of the app's own pipeline, the way the network sets the connection's address. The app itself trusts
/// forwarded headers only from the proxies a test configures (Portal:Proxy), never this header.
/// </summary>
internal sealed class TestRemoteAddress : IStartupFilter
{
    public const string HeaderName = "X-Test-Remote-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers[HeaderName].ToString() is { Length: > 0 } address)
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}

/// <summary>Keeps every formatted log message (with exception text) in memory.</summary>
internal sealed class CapturingLoggerProvider(System.Collections.Concurrent.ConcurrentQueue<string> sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, sink);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
