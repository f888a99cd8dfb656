using DestinationPortal.Core;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Web;
using DestinationPortal.Web.Components;
using DestinationPortal.Web.Hubs;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddPortalCore();
builder.Services.AddPortalWeb(builder.Environment);

var app = builder.Build();

await app.Services.InitializePortalDatabaseAsync();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
    app.UseHsts();
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAntiforgery();

app.MapStaticAssets();
app.MapHealthChecks("/health");
app.MapHub<ConnectionTestHub>(ConnectionTestHub.Path);
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

await app.RunAsync();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
