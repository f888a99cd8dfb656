using DestinationPortal.Core.Destinations;

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
    // Read per use: a label follows the current UI culture, so a cached one would keep whichever reader came first.
    private static string ServiceName => DestinationField.KerberosServiceName.Label;

    private static string ServerName => DestinationField.ServerName.Label;

    public static async Task<ServiceTicket> RequestServiceTicketAsync(ConnectionTestContext context, List<ConnectionTestDetail> details, CancellationToken ct)
    {
        var spn = context.ServicePrincipalName;
        var user = context.User;
        var identity = user.Kerberos!;
        details.Add(new("Kerberos service principal", spn));
        details.Add(new("Portal's Kerberos credentials", identity.Principal is { } principal ? $"{principal} ({identity.Source})" : $"none: {identity.Source}"));
        details.Add(new("Database user requested", $"{user.Name} (from {user.Origin})"));
        context.Emit(ConnectionTestStatus.Running, $"Asking the KDC for a ticket to {spn} with the portal's own Kerberos credentials (no password is used).", details);

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
                details.Add(new("Client principal", client));
            }

            return new(client, null);
        }

        details.Add(new("Kerberos error", ticket.Message));
        return new(null, ClientFailure(context, ticket, spn, details));
    }

    private static Verdict ClientFailure(ConnectionTestContext context, ServiceTicketResult ticket, string spn, List<ConnectionTestDetail> details)
    {
        var identity = context.User.Kerberos!;
        var (category, field, where, explanation) = ticket.Problem switch
        {
            KerberosProblem.NoCredentials => (ConnectionTestCategory.Authentication, DestinationField.WindowsAuthentication, "the portal host",
                $"The portal host has no Kerberos credentials: {identity.Source}. Fix on the portal host: give the portal's account a keytab and " +
                "point KRB5_CLIENT_KTNAME at it, or get a ticket with kinit (see the README)."),
            KerberosProblem.KdcUnreachable => (ConnectionTestCategory.Network, (DestinationField?)null, "the KDC, or the network between the portal host and the KDC",
                $"The portal could not reach a Kerberos KDC ({ticket.Message}). Fix the KDC or the network: the KDC must be running and reachable " +
                "from the portal host (port 88, or the kdc lines of the portal host's krb5.conf)."),
            KerberosProblem.RealmNotConfigured => (ConnectionTestCategory.Configuration, null, "the portal host (krb5.conf)",
                $"The portal host's Kerberos configuration does not say where the KDC is ({ticket.Message}). Fix on the portal host: add the realm " +
                "and its kdc to krb5.conf, or to the file KRB5_CONFIG names."),
            KerberosProblem.UnknownServicePrincipal => (ConnectionTestCategory.Authentication, DestinationField.KerberosServiceName,
                $"the form ({ServiceName}, {ServerName}), or the KDC",
                $"The KDC does not know the service principal {spn}. Check {ServiceName} and {ServerName}: the principal is " +
                $"<{ServiceName}>/<{ServerName}>, also with a private endpoint. If both are right, the principal must be created at the KDC " +
                "and its key added to the server's keytab."),
            KerberosProblem.ClientCredentialsRejected => (ConnectionTestCategory.Authentication, DestinationField.WindowsAuthentication, "the portal host",
                $"The KDC refused the portal's own credentials ({identity.Principal ?? "unknown principal"}: {ticket.Message}). Fix on the portal host: " +
                "renew the ticket (kinit), or replace the keytab with one exported after the principal's last key change."),
            KerberosProblem.LibraryMissing => (ConnectionTestCategory.Configuration, null, "the portal host",
                $"{ticket.Message} Fix on the portal host: install it (the Dockerfile does)."),
            _ => (ConnectionTestCategory.Authentication, DestinationField.WindowsAuthentication, "the portal host",
                $"Kerberos failed on the portal host before the database server was contacted: {ticket.Message}."),
        };
        details.Add(new(AuthenticationStage.WhereToFix, where));
        return context.Fail(category, explanation, field, details);
    }
}
