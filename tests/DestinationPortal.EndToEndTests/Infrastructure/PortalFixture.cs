using System.Diagnostics;
using Microsoft.Playwright;

namespace DestinationPortal.EndToEndTests.Infrastructure;

/// <summary>
/// Everything the journeys share, set up once per test run: the portal published exactly as the Dockerfile does and
/// running from that output, the throwaway PostgreSQL servers of the integration tests, and one headless Chromium.
/// Each test opens its own browser context, so cookies and storage never leak between journeys.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("dp-e2e-");
    private readonly List<PortalApp> _apps = [];
    private IPlaywright? _playwright;
    private bool _postgreSqlRunning;

    public PostgreSqlServers PostgreSql { get; } = new();

    /// <summary>The portal the journeys use. Journeys that restart it start it again on the same port and data directory.</summary>
    public PortalApp App { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public PortalSession Session { get; private set; } = null!;

    /// <summary>
    /// Environment variables every portal process gets on top of the Production defaults: the place for settings the
    /// journeys depend on (for example the administrator account, once sign-in exists).
    /// </summary>
    public static IReadOnlyDictionary<string, string> AppEnvironment { get; } = new Dictionary<string, string>
    {
        // The first administrator comes from configuration, as in a container; the setup-token path has its own test.
        ["Portal__Admin__UserName"] = AdminName,
        ["Portal__Admin__Password"] = AdminPassword,
        // Every journey signs in from 127.0.0.1, dozens of times a minute: at the default budget (10 a minute per address)
        // the last journeys of a run were refused with 429. The limit has its own tests (RateLimitTests).
        ["Portal__Access__SignInRequestsPerMinute"] = "1000",
    };

    public const string AdminName = "e2e-admin";
    public const string AdminPassword = "end to end admin passphrase";

    private string PublishDirectory => Path.Combine(_work.FullName, "publish");

    public async Task InitializeAsync()
    {
        // Playwright's waits are the suite's only timing: long enough for a loaded two-core machine, short enough to fail fast.
        Assertions.SetDefaultExpectTimeout(15_000);
        try
        {
            // The browser first: without Chromium the run fails in a second, not after a publish.
            _playwright = await Playwright.CreateAsync();
            Browser = await Chromium.LaunchAsync(_playwright);

            // Publishing is CPU-bound and the clusters mostly wait on disk: overlap them, and let both finish before
            // deciding anything, so a failure never leaves the other half running on a deleted directory.
            var publish = PublishAsync();
            var postgreSql = PostgreSql.InitializeAsync();
            try
            {
                await Task.WhenAll(publish, postgreSql);
            }
            finally
            {
                // A fixture whose start failed has already stopped what it started.
                _postgreSqlRunning = postgreSql.IsCompletedSuccessfully;
            }

            App = await StartAppAsync();
            Session = new PortalSession(App);
        }
        catch
        {
            // xunit does not dispose a fixture whose initialisation failed; leave no servers or browsers behind.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>A fresh browser context (its own cookies and storage) on the journeys' portal.</summary>
    public Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 900) => NewContextAsync(App, width, height);

    public async Task<IBrowserContext> NewContextAsync(PortalApp app, int width = 1280, int height = 900) =>
        await NewContextAsync(app, "en-US", "UTC", width, height);

    /// <summary>A browser whose language (Accept-Language, navigator.language) and time zone are a person's elsewhere.</summary>
    public async Task<IBrowserContext> NewContextAsync(PortalApp app, string locale, string timeZone, int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = locale,
            TimezoneId = timeZone,
        });
        context.SetDefaultTimeout(20_000);
        return context;
    }

    /// <summary>
    /// Another portal from the same published output with its own empty data directory, stopped with the fixture.
    /// <paramref name="environment"/> adds to (or overrides) <see cref="AppEnvironment"/>; <paramref name="port"/> as in <see cref="PortalApp.StartAsync"/>.
    /// </summary>
    public async Task<PortalApp> StartAppAsync(IReadOnlyDictionary<string, string>? environment = null, int? port = null)
    {
        var data = Path.Combine(_work.FullName, "data-" + Guid.NewGuid().ToString("N")[..8]);
        var merged = new Dictionary<string, string>(AppEnvironment);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            merged[name] = value;
        }

        var app = await PortalApp.StartAsync(PublishDirectory, data, merged, port);
        _apps.Add(app);
        return app;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
            Browser = null!;
        }

        _playwright?.Dispose();
        _playwright = null;
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        if (_postgreSqlRunning)
        {
            _postgreSqlRunning = false;
            await PostgreSql.DisposeAsync();
        }

        _apps.Clear();
        if (_work.Exists)
        {
            _work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The Dockerfile's publish command. Its own artifacts path keeps it out of src/*/bin and obj, which the solution
    /// build and the integration tests' publish check use at the same time when test projects run in parallel.
    /// </summary>
    private async Task PublishAsync()
    {
        var info = new ProcessStartInfo("dotnet",
            ["publish", Path.Combine(RepositoryPaths.Root, "src", "DestinationPortal.Web"), "-c", "Release", "-o", PublishDirectory,
             "--artifacts-path", Path.Combine(_work.FullName, "artifacts")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(limit.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet publish failed:\n" + await stdout + await stderr);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PortalTestGroup : ICollectionFixture<PortalFixture>
{
    public const string Name = "Portal in a browser";
}
