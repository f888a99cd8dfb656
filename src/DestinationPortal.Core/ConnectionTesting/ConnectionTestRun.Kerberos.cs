using DestinationPortal.Core.Destinations;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Windows Authentication inside the Authentication stage. Before Npgsql authenticates, the run asks the KDC for the
/// service ticket itself (<see cref="KerberosClient"/>), because Npgsql reports every client-side Kerberos failure as
/// "UnknownCredentials" or "GenericFailure". Once the ticket exists, any remaining failure is the database server's.
/// </summary>
internal sealed partial class ConnectionTestRun
{
    private const string WhereToFix = "Where to fix";

    private bool _awaitingKdc;

    /// <summary>Always Server Name, also through a private endpoint: the principal belongs to the service's name, not to an address.</summary>
    private string ServicePrincipalName => $"{_destination.KerberosServiceName}/{_destination.ServerName}";

    /// <summary>
    /// With Windows Authentication and no Username, the database user is the principal's name without its realm: what
    /// Npgsql picks too, and what the probe's startup message must carry so that both ask the server the same question.
    /// </summary>
    private void ChooseDatabaseUser()
    {
        if (_destination.WindowsAuthentication)
        {
            _kerberos = KerberosClient.ReadIdentity();
        }

        _username = _destination.Username.Length > 0 ? _destination.Username : _kerberos?.DefaultDatabaseUser ?? Environment.UserName;
    }

    private string DatabaseUserOrigin =>
        _destination.Username.Length > 0 ? "Username"
        : _kerberos?.DefaultDatabaseUser is not null ? "the principal, without its realm"
        : "the portal's operating-system account, as no Kerberos principal was found";

    /// <summary>Returns the client principal the ticket was issued to, or the failure naming what to fix and where.</summary>
    private async Task<(string? ClientPrincipal, Verdict? Failure)> RequestServiceTicketAsync(List<ConnectionTestDetail> details, CancellationToken ct)
    {
        var spn = ServicePrincipalName;
        var identity = _kerberos!;
        details.Add(new("Kerberos service principal", spn));
        details.Add(new("Portal's Kerberos credentials", identity.Principal is { } principal ? $"{principal} ({identity.Source})" : $"none: {identity.Source}"));
        details.Add(new("Database user requested", $"{_username} (from {DatabaseUserOrigin})"));
        Emit(ConnectionTestStatus.Running, $"Asking the KDC for a ticket to {spn} with the portal's own Kerberos credentials (no password is used).", details);

        _awaitingKdc = true;
        // MIT Kerberos blocks until the KDC answers. The run's deadline still holds: the wait is abandoned, and the
        // native call finishes on its own within libkrb5's timeouts.
        var ticket = await Task.Run(() => KerberosClient.RequestServiceTicket(spn), ct).WaitAsync(ct);
        _awaitingKdc = false;

        if (ticket.Succeeded || ticket.Problem == KerberosProblem.Unavailable)
        {
            // Unavailable (not Linux): Npgsql's own attempt below still runs and reports what it can.
            var client = ticket.ClientPrincipal ?? identity.Principal;
            if (client is not null)
            {
                details.Add(new("Client principal", client));
            }

            return (client, null);
        }

        details.Add(new("Kerberos error", ticket.Message));
        return (null, KerberosClientFailure(ticket, spn, details));
    }

    private Verdict KerberosClientFailure(ServiceTicketResult ticket, string spn, List<ConnectionTestDetail> details)
    {
        var identity = _kerberos!;
        var (category, field, where, explanation) = ticket.Problem switch
        {
            KerberosProblem.NoCredentials => (ConnectionTestCategory.Authentication, nameof(DestinationInput.WindowsAuthentication), "the portal host",
                $"The portal host has no Kerberos credentials: {identity.Source}. Fix on the portal host: give the portal's account a keytab and " +
                "point KRB5_CLIENT_KTNAME at it, or get a ticket with kinit (see the README)."),
            KerberosProblem.KdcUnreachable => (ConnectionTestCategory.Network, (string?)null, "the KDC, or the network between the portal host and the KDC",
                $"The portal could not reach a Kerberos KDC ({ticket.Message}). Fix the KDC or the network: the KDC must be running and reachable " +
                "from the portal host (port 88, or the kdc lines of the portal host's krb5.conf)."),
            KerberosProblem.RealmNotConfigured => (ConnectionTestCategory.Configuration, null, "the portal host (krb5.conf)",
                $"The portal host's Kerberos configuration does not say where the KDC is ({ticket.Message}). Fix on the portal host: add the realm " +
                "and its kdc to krb5.conf, or to the file KRB5_CONFIG names."),
            KerberosProblem.UnknownServicePrincipal => (ConnectionTestCategory.Authentication, nameof(DestinationInput.KerberosServiceName),
                "the form (Kerberos service name, Server Name), or the KDC",
                $"The KDC does not know the service principal {spn}. Check Kerberos service name and Server Name: the principal is " +
                "<Kerberos service name>/<Server Name>, also with a private endpoint. If both are right, the principal must be created at the KDC " +
                "and its key added to the server's keytab."),
            KerberosProblem.ClientCredentialsRejected => (ConnectionTestCategory.Authentication, nameof(DestinationInput.WindowsAuthentication), "the portal host",
                $"The KDC refused the portal's own credentials ({identity.Principal ?? "unknown principal"}: {ticket.Message}). Fix on the portal host: " +
                "renew the ticket (kinit), or replace the keytab with one exported after the principal's last key change."),
            KerberosProblem.LibraryMissing => (ConnectionTestCategory.Configuration, null, "the portal host",
                $"{ticket.Message} Fix on the portal host: install it (the Dockerfile does)."),
            _ => (ConnectionTestCategory.Authentication, nameof(DestinationInput.WindowsAuthentication), "the portal host",
                $"Kerberos failed on the portal host before the database server was contacted: {ticket.Message}."),
        };
        details.Add(new(WhereToFix, where));
        return Fail(category, explanation, field, details);
    }

    /// <summary>
    /// True for the failures that, once the KDC has issued the ticket, can only be the server's Kerberos setup: the
    /// ticket rejected (its keytab), or the principal not allowed as the requested database user (pg_hba.conf,
    /// pg_ident.conf, roles). Messages are PostgreSQL's with lc_messages=C and Npgsql 10.0.3's, as measured.
    /// </summary>
    private static bool IsKerberosServerRefusal(NpgsqlException exception) => exception switch
    {
        PostgresException { SqlState: "28000" } server => server.MessageText.StartsWith("GSSAPI authentication failed", StringComparison.Ordinal)
            || (server.MessageText.StartsWith("role ", StringComparison.Ordinal) && server.MessageText.EndsWith("does not exist", StringComparison.Ordinal)),
        PostgresException => false,
        // GSS authentication: "Error while authenticating GSS/SSPI: GenericFailure". GSS encryption: the server hangs up
        // during the context exchange ("Exception while performing GSS encryption" over an end of stream).
        _ => exception.Message.StartsWith("Error while authenticating GSS", StringComparison.Ordinal)
            || (exception.Message.Contains("GSS encryption", StringComparison.Ordinal) && exception.InnerException is EndOfStreamException or IOException),
    };

    private Verdict KerberosServerFailure(NpgsqlException exception, string? clientPrincipal, List<ConnectionTestDetail> details)
    {
        var who = clientPrincipal ?? "the portal's principal";
        // Username is greyed out with Windows Authentication; point at it only when it was filled in and so chose the user.
        var userField = _destination.Username.Length > 0 ? nameof(DestinationInput.Username) : null;
        if (exception is PostgresException server)
        {
            details.Add(new("SQLSTATE", server.SqlState));
            details.Add(new("Server message", server.MessageText));
            if (server.MessageText.StartsWith("role ", StringComparison.Ordinal))
            {
                details.Add(new(WhereToFix, "the database server (roles, pg_ident.conf)"));
                return Fail(ConnectionTestCategory.Authentication,
                    $"The server accepted the Kerberos ticket of {who}, but database user {_username} does not exist there. Fix on the database server: " +
                    $"create the role (CREATE ROLE \"{_username}\" LOGIN), or map {who} to an existing role with a pg_ident.conf map.",
                    userField, details, server.SqlState);
            }

            details.Add(new(WhereToFix, "the database server (pg_hba.conf, pg_ident.conf)"));
            return Fail(ConnectionTestCategory.Authentication,
                $"The server accepted the Kerberos ticket of {who}, but does not let it log in as database user {_username}: the principal maps to no " +
                $"such role. Fix on the database server: the gss line in pg_hba.conf must map the principal to {_username} (include_realm=0, or map= " +
                $"with a pg_ident.conf line for {who}).",
                userField, details, server.SqlState);
        }

        details.Add(new("Kerberos error", exception.Message));
        details.Add(new(WhereToFix, "the database server (krb_server_keyfile)"));
        return Fail(ConnectionTestCategory.Authentication,
            $"The server rejected the portal's Kerberos ticket for {ServicePrincipalName}. Fix on the database server: its keytab (krb_server_keyfile) " +
            $"must hold the current key of {ServicePrincipalName} and be readable by the server's account; the server's log names the key it missed.",
            null, details);
    }
}
