namespace DestinationPortal.Web;

/// <summary>
/// Refuses new realtime connections (Blazor's circuit hub, the test hub) once the host has begun to stop.
/// SignalR closes its open connections when ApplicationStopping fires, but Kestrel goes on accepting until the web host's
/// own stop unbinds it a moment later; an open tab reconnects at once (Blazor's first retry has no delay) and that new
/// WebSocket was kept open until the shutdown timeout ended it (dotnet/aspnetcore#58947). Refused, the tab's reconnect
/// fails, it retries later against the restarted portal, and the host stops as soon as its work is done.
/// </summary>
public static class RealtimeShutdown
{
    public static IApplicationBuilder UseNoRealtimeConnectionsWhileStopping(this IApplicationBuilder app)
    {
        var stopping = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        return app.Use((context, next) =>
        {
            if (stopping.IsCancellationRequested && IsRealtime(context.Request.Path))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            }

            return next(context);
        });
    }

    private static bool IsRealtime(PathString path) =>
        path.StartsWithSegments("/_blazor") || path.StartsWithSegments(Hubs.ConnectionTestHub.Path);
}
