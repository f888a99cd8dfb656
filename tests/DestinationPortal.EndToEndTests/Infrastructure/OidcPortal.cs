using System.Globalization;
using System.Net;
using DestinationPortal.OidcTestProvider;

namespace DestinationPortal.EndToEndTests.Infrastructure;

/// <summary>
/// The published portal signing in with a real OpenID Connect provider (OpenIddict, <see cref="OidcProvider"/>), for the
/// journeys of one test class. The provider listens on 127.0.0.2, another site than the portal's 127.0.0.1 (ports do not
/// make a site), so the browser applies its SameSite rules to the redirects between them as it would between the portal
/// and a company's provider. Started by the first journey (a class fixture cannot take the collection's fixture, which
/// owns the published output and the browser) and stopped with the class.
/// </summary>
public sealed class OidcPortal : IAsyncLifetime
{
    public const string AdminGroup = "portal-admins";
    public const string EditorGroup = "portal-editors";
    public const string ViewerGroup = "portal-viewers";
    public const string DisplayName = "Test Identity";

    private readonly SemaphoreSlim _starting = new(1, 1);

    public OidcProvider Provider { get; private set; } = null!;

    public PortalApp App { get; private set; } = null!;

    public async Task StartAsync(PortalFixture portal)
    {
        await _starting.WaitAsync();
        try
        {
            if (App is not null)
            {
                return;
            }

            // The provider must know the portal's callback before the portal knows the provider: pick the portal's port first.
            var port = FreePort.Next();
            Provider = await OidcProvider.StartAsync(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/signin-oidc"), IPAddress.Parse("127.0.0.2"));
            App = await portal.StartAppAsync(new Dictionary<string, string>
            {
                ["Portal__Authentication__Oidc__Authority"] = Provider.Authority,
                ["Portal__Authentication__Oidc__ClientId"] = OidcProvider.ClientId,
                ["Portal__Authentication__Oidc__ClientSecret"] = Provider.ClientSecret,
                ["Portal__Authentication__Oidc__Scopes__0"] = OidcProvider.GroupsClaim,
                // Test only: the provider talks plain HTTP on loopback.
                ["Portal__Authentication__Oidc__RequireHttpsMetadata"] = "false",
                ["Portal__Authentication__Oidc__DisplayName"] = DisplayName,
                ["Portal__Authentication__Oidc__RoleMapping__Administrator__0"] = AdminGroup,
                ["Portal__Authentication__Oidc__RoleMapping__Editor__0"] = EditorGroup,
                ["Portal__Authentication__Oidc__RoleMapping__Viewer__0"] = ViewerGroup,
            }, port);
        }
        finally
        {
            _starting.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync();
        }

        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }

        _starting.Dispose();
    }
}
