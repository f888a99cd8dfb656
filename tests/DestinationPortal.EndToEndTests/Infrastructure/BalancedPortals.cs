using Microsoft.Playwright;

namespace DestinationPortal.EndToEndTests.Infrastructure;

/// <summary>
/// Two published portals (A and B) on one PostgreSQL store, a fresh database on the fixture's server without TLS, behind
/// HAProxy with deploy/haproxy.cfg: the scale-out deployment of docs/scale-out.md on loopback. Each portal keeps its own
/// empty data directory, so whatever they share (users, destinations, the Data Protection key ring) comes from the store.
/// </summary>
public sealed class BalancedPortals : IAsyncDisposable
{
    private readonly PortalFixture _portal;
    private readonly DirectoryInfo _work;

    private BalancedPortals(PortalFixture portal, DirectoryInfo work, PortalApp a, PortalApp b, HaProxy proxy)
    {
        _portal = portal;
        _work = work;
        A = a;
        B = b;
        Proxy = proxy;
    }

    public PortalApp A { get; }

    public PortalApp B { get; }

    public HaProxy Proxy { get; }

    /// <summary>Starts A, then B, then HAProxy. <paramref name="environment"/> adds settings to both portals (Redis, for example).</summary>
    public static async Task<BalancedPortals> StartAsync(PortalFixture portal, IReadOnlyDictionary<string, string>? environment = null)
    {
        var store = await PostgreSqlStoreDatabase.CreateWithServerDefaultsAsync(portal.PostgreSql.NoTls);
        var settings = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["Portal__Database__Provider"] = "PostgreSql",
            ["Portal__Database__ConnectionString"] = store,
            // HAProxy connects from loopback and adds X-Forwarded-For (option forwardfor): trust it, as compose.yaml does
            // for its network.
            ["Portal__Proxy__KnownProxies__0"] = "127.0.0.1",
        };
        var a = await portal.StartAppAsync(settings);
        var b = await portal.StartAppAsync(settings);
        // The rendered configuration is the only file HAProxy needs; it goes with the journey.
        var work = Directory.CreateTempSubdirectory("dp-haproxy-");
        try
        {
            var proxy = await HaProxy.StartAsync(work.FullName, new Dictionary<string, int>
            {
                ["portal-a"] = a.Port,
                ["portal-b"] = b.Port,
            });
            return new BalancedPortals(portal, work, a, b, proxy);
        }
        catch
        {
            // The portals go with the fixture; the rendered configuration would be left behind.
            work.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>
    /// A browser context on the balancer whose first request already carries <paramref name="node"/>'s sticky cookie,
    /// as if HAProxy had chosen that instance: the journey decides which instance serves it.
    /// </summary>
    public async Task<IBrowserContext> NewContextPinnedToAsync(string node)
    {
        var context = await _portal.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Proxy.BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(20_000);
        await context.AddCookiesAsync([new Cookie { Name = HaProxy.NodeCookie, Value = node, Url = Proxy.BaseUrl.ToString() }]);
        return context;
    }

    /// <summary>The instance the balancer's sticky cookie in <paramref name="context"/> names now.</summary>
    public async Task<string?> NodeOfAsync(IBrowserContext context) => (await NodeCookieAsync(context))?.Value;

    public async Task<BrowserContextCookiesResult?> NodeCookieAsync(IBrowserContext context) =>
        (await context.CookiesAsync([Proxy.BaseUrl.ToString()])).SingleOrDefault(c => c.Name == HaProxy.NodeCookie);

    /// <summary>Opens Manage Destinations through the balancer, signing in as the fixture's administrator.</summary>
    public static async Task<IPage> OpenAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        if (new Uri(page.Url).AbsolutePath == "/account/signin")
        {
            await PortalSession.SignInAsync(page, PortalFixture.AdminName, PortalFixture.AdminPassword);
        }

        await PortalSession.WaitForInteractiveAsync(page);
        return page;
    }

    /// <summary>Stops the balancer and both portals; the store goes with the fixture's PostgreSQL server.</summary>
    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await A.StopAsync();
        await B.StopAsync();
        _work.Delete(recursive: true);
    }
}
