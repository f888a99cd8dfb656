using Bunit;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace DestinationPortal.Tests.Infrastructure;

/// <summary>
/// The one bUnit base: MudBlazor configured once (loose JS interop, no transitions) and the real Core services
/// over a temp SQLite database, so a component test exercises the same validation and persistence as production.
/// </summary>
public abstract class PortalBunitContext : BunitContext
{
    // bUnit's 1 s default is too tight when test classes run in parallel on a 2-core machine; a wait only takes
    // this long when its condition never becomes true.
    static PortalBunitContext() => DefaultWaitTimeout = TimeSpan.FromSeconds(10);

    protected PortalBunitContext()
        : this(configureServices: null)
    {
    }

    /// <param name="configureServices">Replaces or adds services before the renderer is created, after which bUnit allows none.</param>
    protected PortalBunitContext(Action<IServiceCollection>? configureServices)
    {
        Portal = new TestPortal();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Portal.AddPortalServices(Services);
        Services.AddSingleton<IKerberosIdentityReader>(Kerberos);
        Services.AddScoped<DestinationPortal.Web.Localization.ViewerTime>();
        Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
            options.PopoverOptions.CheckForPopoverProvider = false;
        });
        // MudBlazor's own texts as the portal supplies them (MudBlazorText), so the language tests cover them too.
        DestinationPortal.Web.Localization.PortalMudLocalizationExtensions.AddPortalMudLocalization(Services);
        // The signed-in user as layouts and <AuthorizeView> see it; services see Portal.User (an Administrator by default).
        Authorization = AddAuthorization();
        Authorization.SetAuthorized(Portal.User.Name);
        Authorization.SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, "Administrator"));
        Authorization.SetPolicies(Enum.GetNames<DestinationPortal.Core.Access.PortalCapability>());

        configureServices?.Invoke(Services);

        // As in the portal, where every page runs on the interactive server circuit (the layout reads RendererInfo).
        // Last: the renderer resolves services, after which none can be added.
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    protected Bunit.TestDoubles.BunitAuthorizationContext Authorization { get; }

    protected TestPortal Portal { get; }

    protected TestKerberosIdentityReader Kerberos { get; } = new();

    /// <summary>A second, independent session on the same database: another administrator, or a restart.</summary>
    protected RunningPortal OtherSession() => Portal.Start();

    protected async Task<Guid> SeedAsync(Action<DestinationInput>? configure = null, string? password = null)
    {
        using var session = OtherSession();
        var input = ValidInput();
        configure?.Invoke(input);
        input.Password = password ?? "";
        var result = await session.Get<DestinationService>().CreateAsync(input);
        Assert.Equal(SaveStatus.Saved, result.Status);
        return result.Id!.Value;
    }

    public static DestinationInput ValidInput(string name = "warehouse") => new()
    {
        Name = name,
        ServerName = "db.example.test",
        Username = "loader",
        Database = "sales",
    };

    // xunit 2 disposes synchronously, but MudBlazor registers services that only implement IAsyncDisposable.
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeAsyncCore().AsTask().GetAwaiter().GetResult();
            Portal.Dispose();
        }

        base.Dispose(disposing);
    }
}
