using DestinationPortal.Core;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Web;
using DestinationPortal.Web.Access;
using DestinationPortal.Web.Api;
using DestinationPortal.Web.Components;
using DestinationPortal.Web.Hosting;
using DestinationPortal.Web.Hubs;
using DestinationPortal.Web.Localization;

// appsettings.json is read once at start: every typed option is validated then, nothing reloads, and the file watcher
// the default sets up cost a few hundred milliseconds of each start (issue 16). Later arguments still override this.
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);

builder.Services.AddPortalCore();
builder.Services.AddPortalWeb(builder.Environment);
builder.Services.AddPortalApi();
builder.Services.AddPortalLocalization();

var app = builder.Build();

// Operator commands (migrate, copy-to-postgres) run against the configured store and exit without serving.
if (StoreCommands.IsCommand(args))
{
    return await StoreCommands.RunAsync(app.Services, args, Console.Out, Console.Error);
}

await app.Services.StartPortalStoreAsync();

app.UsePortalForwardedHeaders();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
    app.UseHsts();
}

app.UseHttpsRedirection();
app.UsePortalSecurityHeaders();
app.UseSameOriginRealtime();
app.UseNoRealtimeConnectionsWhileStopping();
app.UsePortalApiErrors();
// Scripts get bare status codes; people get a page whose words fit the status (not found, too many attempts, other).
app.UseWhen(
    context => !PortalAccessServiceCollectionExtensions.IsMachineEndpoint(context.Request.Path),
    pages => pages.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true));
// Routing after the status-code pages, so a re-executed /not-found is routed (and authorized) as itself.
app.UseRouting();
app.UseRateLimiter();
app.UseAuthentication();
app.UsePortalLocalization();
app.UseAuthorization();
app.UseCurrentUser();
app.UseSameOriginApi();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapHealthChecks("/health").AllowAnonymous();
app.MapPortalAccessEndpoints();
app.MapLanguageEndpoints();
app.MapPortalApi();
app.MapHub<ConnectionTestHub>(ConnectionTestHub.Path);
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

await app.RunAsync();
return 0;

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
