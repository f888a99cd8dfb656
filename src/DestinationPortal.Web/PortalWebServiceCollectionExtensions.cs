using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Persistence;
using System.Text.Json.Serialization;
using DestinationPortal.Web.Hubs;
using DestinationPortal.Web.Access;
using DestinationPortal.Web.Hosting;
using DestinationPortal.Web.Localization;
using DestinationPortal.Web.LiveEvents;
using MudBlazor;
using MudBlazor.Services;

namespace DestinationPortal.Web;

public static class PortalWebServiceCollectionExtensions
{
    public static IServiceCollection AddPortalWeb(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddRazorComponents()
            .AddInteractiveServerComponents(options => options.DetailedErrors = environment.IsDevelopment())
            .AddHubOptions(options =>
            {
                // Above the 32 KB default so a pasted CA certificate (capped at 32,768 characters by the form)
                // fits in one message; anything larger is refused by the transport, not by a crashed circuit.
                options.MaximumReceiveMessageSize = 128 * 1024;
            });

        services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            options.SnackbarConfiguration.ShowTransitionDuration = 150;
            options.SnackbarConfiguration.HideTransitionDuration = 150;
        });
        services.AddPortalMudLocalization();

        // Enums travel by name (stage "Tls", status "Failed"): the contract in docs/api.md reads the same as the screens.
        services.AddSignalR().AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddHostedService<ConnectionTestHubForwarder>();
        // Once the host answers: the first Test Connection's first-time costs, paid in the background (decision 57).
        services.AddHostedService<FirstUseWarmUp>();

        services.AddHealthChecks().AddDbContextCheck<PortalDbContext>();
        services.AddPortalLiveEventRelay();

        services.AddPortalAccess();
        services.AddPortalForwardedHeaders();
        return services;
    }
}
