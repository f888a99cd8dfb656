using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace DestinationPortal.OidcTestProvider;

/// <summary>A person the provider knows: the subject never changes, the groups may between two sign-ins.</summary>
public sealed record OidcPerson(string Subject, string UserName, IReadOnlyList<string> Groups);

/// <summary>
/// A real OpenID Connect provider (OpenIddict: authorization code flow with PKCE, signed id tokens, discovery, JWKS) on
/// 127.0.0.1 over plain HTTP, with an in-memory SQLite store and the portal registered as a confidential client.
/// Only the person at the keyboard is scripted: the authorization endpoint signs in whoever <see cref="PersonAtKeyboard"/>
/// names, with the groups <see cref="People"/> holds for them at that moment.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string ClientId = "destination-portal";
    public const string OtherClientId = "another-application";
    public const string GroupsClaim = "groups";

    private readonly WebApplication _app;
    private readonly SqliteConnection _store;

    private OidcProvider(WebApplication app, SqliteConnection store, string authority, string clientSecret)
    {
        _app = app;
        _store = store;
        Authority = authority;
        ClientSecret = clientSecret;
    }

    /// <summary>The issuer, e.g. http://127.0.0.1:40123/ (with the trailing slash OpenIddict puts in "iss").</summary>
    public string Authority { get; }

    /// <summary>The portal client's secret, fresh per provider so a test can look for it in logs.</summary>
    public string ClientSecret { get; }

    public ConcurrentDictionary<string, OidcPerson> People { get; } = new();

    /// <summary>The subject of the person who "types their password" at the provider's sign-in next.</summary>
    public string? PersonAtKeyboard { get; set; }

    /// <summary>When set, id tokens name this audience instead of the client that asked (a token meant for another application).</summary>
    public string? IdTokenAudienceOverride { get; set; }

    /// <summary>How many sign-outs (RP-initiated logout) the end-session endpoint accepted: a request with an unregistered post_logout_redirect_uri never counts.</summary>
    public int EndSessionRequests => _endSessionRequests;

    /// <summary>The parameters of the last end-session request, as the provider read them.</summary>
    public IReadOnlyDictionary<string, string?> LastEndSessionRequest { get; private set; } = new Dictionary<string, string?>();

    private int _endSessionRequests;

    public void SetPerson(string subject, string userName, params string[] groups) => People[subject] = new(subject, userName, groups);

    /// <summary>
    /// Starts the provider; <paramref name="portalRedirectUri"/> is the portal's callback (e.g. http://localhost/signin-oidc).
    /// <paramref name="address"/> (a loopback address, 127.0.0.1 unless given) lets a browser test put the provider on
    /// another site than the portal.
    /// </summary>
    public static async Task<OidcProvider> StartAsync(Uri portalRedirectUri, System.Net.IPAddress? address = null)
    {
        address ??= System.Net.IPAddress.Loopback;
        var port = FreePort(address);
        var authority = $"http://{address}:{port}/";
        var secret = "oidc-test-secret-" + Guid.NewGuid().ToString("N");
        var store = new SqliteConnection("Data Source=:memory:");
        await store.OpenAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls(authority);
        builder.Services.AddDbContext<DbContext>(options => options.UseSqlite(store).UseOpenIddict());
        OidcProvider? provider = null;
        builder.Services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<DbContext>())
            .AddServer(options =>
            {
                options.SetIssuer(new Uri(authority));
                options.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token").SetEndSessionEndpointUris("connect/endsession");
                options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                options.RegisterScopes(Scopes.OpenId, Scopes.Profile, GroupsClaim);
                options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                options.DisableAccessTokenEncryption();
                options.AddEventHandler<OpenIddictServerEvents.ProcessSignInContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        if (provider?.IdTokenAudienceOverride is { } audience && context.IdentityTokenPrincipal is { } principal)
                        {
                            principal.SetAudiences(audience);
                        }

                        return default;
                    })
                    .SetOrder(OpenIddictServerHandlers.PrepareIdentityTokenPrincipal.Descriptor.Order + 1)
                    .SetType(OpenIddictServerHandlerType.Custom));
                // Test only: the portal and this provider talk plain HTTP on loopback.
                options.UseAspNetCore().EnableAuthorizationEndpointPassthrough().EnableEndSessionEndpointPassthrough().DisableTransportSecurityRequirement();
            });

        var app = builder.Build();
        provider = new OidcProvider(app, store, authority, secret);
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], provider.AuthorizeAsync);
        app.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], provider.EndSession);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DbContext>().Database.EnsureCreatedAsync();
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            await applications.CreateAsync(Client(ClientId, secret, portalRedirectUri));
            await applications.CreateAsync(Client(OtherClientId, "another-secret-" + Guid.NewGuid().ToString("N"), portalRedirectUri));
        }

        await app.StartAsync();
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }

    private static int FreePort(System.Net.IPAddress address)
    {
        using var listener = new System.Net.Sockets.TcpListener(address, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static OpenIddictApplicationDescriptor Client(string clientId, string secret, Uri redirectUri) => new()
    {
        ClientId = clientId,
        ClientSecret = secret,
        ClientType = ClientTypes.Confidential,
        RedirectUris = { redirectUri },
        // Where the portal's OpenID Connect handler expects the browser back after the provider's sign-out.
        PostLogoutRedirectUris = { new Uri(redirectUri, "/signout-callback-oidc") },
        Permissions =
        {
            Permissions.Endpoints.Authorization,
            Permissions.Endpoints.Token,
            Permissions.Endpoints.EndSession,
            Permissions.GrantTypes.AuthorizationCode,
            Permissions.ResponseTypes.Code,
            Permissions.Scopes.Profile,
            Permissions.Prefixes.Scope + GroupsClaim,
        },
        Requirements = { Requirements.Features.ProofKeyForCodeExchange },
    };

    private IResult AuthorizeAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (PersonAtKeyboard is not { } subject || !People.TryGetValue(subject, out var person))
        {
            return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, person.Subject)
            .SetClaim(Claims.PreferredUsername, person.UserName)
            .SetClaims(GroupsClaim, [.. person.Groups]);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    // OpenIddict has already validated the request (client, post_logout_redirect_uri) when it reaches here. The provider
    // keeps no session of its own (the person at the keyboard signs in afresh each time), so this only records the call
    // and lets OpenIddict redirect back to the post_logout_redirect_uri with the state.
    private IResult EndSession(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        LastEndSessionRequest = request.GetParameters().ToDictionary(p => p.Key, p => (string?)p.Value);
        Interlocked.Increment(ref _endSessionRequests);
        return Results.SignOut(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}
