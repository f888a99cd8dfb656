using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>The client principal the service ticket was issued to, or the failure naming what to fix and where.</summary>
internal sealed record ServiceTicket(string? ClientPrincipal, Verdict? Failure);

/// <summary>
/// Windows Authentication inside the Authentication stage. Before Npgsql authenticates, the run asks the KDC for the
/// service ticket itself (<see cref="KerberosClient"/>), because Npgsql reports every client-side Kerberos failure as
/// "UnknownCredentials" or "GenericFailure". Once the ticket exists, any remaining failure is the database server's
/// (<see cref="KerberosServerAdvice"/>).
/// </summary>
internal static class KerberosStage
{
    private static Microsoft.Extensions.Localization.IStringLocalizer T => ConnectionTestText.Localizer;

    // Read per use, not kept in a static field: the labels follow the run's language.
    private static string ServiceName => DestinationField.KerberosServiceName.Label;

    private static string ServerName => DestinationField.ServerName.Label;

    public static async Task<ServiceTicket> RequestServiceTicketAsync(ConnectionTestContext context, List<ConnectionTestDetail> details, CancellationToken ct)
    {
        var spn = context.ServicePrincipalName;
        var user = context.User;
        var identity = user.Kerberos!;
        details.Add(new(T["Kerberos.Detail.ServicePrincipal"], spn));
        details.Add(new(T["Kerberos.Detail.PortalCredentials"],
            identity.Principal is { } principal ? $"{principal} ({identity.Source})" : T["Kerberos.Credentials.None", identity.Source]));
        details.Add(new(T["Kerberos.Detail.DatabaseUser"], T["Kerberos.DatabaseUser.From", user.Name, user.Origin]));
        context.Emit(ConnectionTestStatus.Running, T["Kerberos.AskingKdc", spn], details);

        context.Events.AwaitingKdc = true;
        // MIT Kerberos blocks until the KDC answers. The run's deadline still holds: the wait is abandoned, and the
        // native call finishes on its own within libkrb5's timeouts.
        var ticket = await Task.Run(() => KerberosClient.RequestServiceTicket(spn), ct).WaitAsync(ct);
        context.Events.AwaitingKdc = false;

        if (ticket.Succeeded || ticket.Problem == KerberosProblem.Unavailable)
        {
            // Unavailable (not Linux): Npgsql's own attempt still runs and reports what it can.
            var client = ticket.ClientPrincipal ?? identity.Principal;
            if (client is not null)
            {
                details.Add(new(T["Kerberos.Detail.ClientPrincipal"], client));
            }

            return new(client, null);
        }

        details.Add(new(T["Kerberos.Detail.Error"], ticket.Message));
        return new(null, ClientFailure(context, ticket, spn, details));
    }

    private static Verdict ClientFailure(ConnectionTestContext context, ServiceTicketResult ticket, string spn, List<ConnectionTestDetail> details)
    {
        var identity = context.User.Kerberos!;
        var (category, field, where, explanation) = ticket.Problem switch
        {
            KerberosProblem.NoCredentials => (ConnectionTestCategory.Authentication, DestinationField.WindowsAuthentication,
                T["Kerberos.Where.PortalHost"], T["Kerberos.NoCredentials", identity.Source]),
            KerberosProblem.KdcUnreachable => (ConnectionTestCategory.Network, (DestinationField?)null,
                T["Kerberos.Where.KdcOrNetwork"], T["Kerberos.KdcUnreachable", ticket.Message]),
            KerberosProblem.RealmNotConfigured => (ConnectionTestCategory.Configuration, null,
                T["Kerberos.Where.PortalHostConfiguration"], T["Kerberos.RealmNotConfigured", ticket.Message]),
            KerberosProblem.UnknownServicePrincipal => (ConnectionTestCategory.Authentication, DestinationField.KerberosServiceName,
                T["Kerberos.Where.FormOrKdc", ServiceName, ServerName], T["Kerberos.UnknownServicePrincipal", spn, ServiceName, ServerName]),
            KerberosProblem.ClientCredentialsRejected => (ConnectionTestCategory.Authentication, DestinationField.WindowsAuthentication,
                T["Kerberos.Where.PortalHost"], T["Kerberos.ClientCredentialsRejected", identity.Principal ?? T["Kerberos.UnknownPrincipal"], ticket.Message]),
            KerberosProblem.LibraryMissing => (ConnectionTestCategory.Configuration, null,
                T["Kerberos.Where.PortalHost"], T["Kerberos.LibraryMissing.Fix", ticket.Message]),
            _ => (ConnectionTestCategory.Authentication, DestinationField.WindowsAuthentication,
                T["Kerberos.Where.PortalHost"], T["Kerberos.Other", ticket.Message]),
        };
        details.Add(new(AuthenticationStage.WhereToFix, where.Value));
        return context.Fail(category, explanation.Value, field, details);
    }
}
