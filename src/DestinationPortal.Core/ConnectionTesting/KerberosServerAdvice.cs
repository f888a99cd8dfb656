using DestinationPortal.Core.Destinations;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Advice for a Kerberos login the database server refused after the KDC issued the ticket: then it can only be the
/// server's Kerberos setup (its keytab, pg_hba.conf, pg_ident.conf, roles).
/// </summary>
internal static class KerberosServerAdvice
{
    /// <summary>
    /// True for the failures that, once the KDC has issued the ticket, can only be the server's Kerberos setup: the
    /// ticket rejected (its keytab), or the principal not allowed as the requested database user (pg_hba.conf,
    /// pg_ident.conf, roles). Messages are PostgreSQL's with lc_messages=C and Npgsql 10.0.3's, as measured.
    /// </summary>
    public static bool IsServerRefusal(NpgsqlException exception) => exception switch
    {
        PostgresException { SqlState: "28000" } server => server.MessageText.StartsWith("GSSAPI authentication failed", StringComparison.Ordinal)
            || (server.MessageText.StartsWith("role ", StringComparison.Ordinal) && server.MessageText.EndsWith("does not exist", StringComparison.Ordinal)),
        PostgresException => false,
        // GSS authentication: "Error while authenticating GSS/SSPI: GenericFailure". GSS encryption: the server hangs up
        // during the context exchange ("Exception while performing GSS encryption" over an end of stream).
        _ => exception.Message.StartsWith("Error while authenticating GSS", StringComparison.Ordinal)
            || (exception.Message.Contains("GSS encryption", StringComparison.Ordinal) && exception.InnerException is EndOfStreamException or IOException),
    };

    public static Verdict Failure(ConnectionTestContext context, NpgsqlException exception, string? clientPrincipal, List<ConnectionTestDetail> details)
    {
        var who = clientPrincipal ?? "the portal's principal";
        var user = context.User.Name;
        var spn = context.ServicePrincipalName;
        // Username is greyed out with Windows Authentication; point at it only when it was filled in and so chose the user.
        var userField = context.Destination.Username.Length > 0 ? DestinationField.Username : null;
        if (exception is PostgresException server)
        {
            details.Add(new("SQLSTATE", server.SqlState));
            details.Add(new("Server message", server.MessageText));
            if (server.MessageText.StartsWith("role ", StringComparison.Ordinal))
            {
                details.Add(new(AuthenticationStage.WhereToFix, "the database server (roles, pg_ident.conf)"));
                return context.Fail(ConnectionTestCategory.Authentication,
                    $"The server accepted the Kerberos ticket of {who}, but database user {user} does not exist there. Fix on the database server: " +
                    $"create the role (CREATE ROLE \"{user}\" LOGIN), or map {who} to an existing role with a pg_ident.conf map.",
                    userField, details, server.SqlState);
            }

            details.Add(new(AuthenticationStage.WhereToFix, "the database server (pg_hba.conf, pg_ident.conf)"));
            return context.Fail(ConnectionTestCategory.Authentication,
                $"The server accepted the Kerberos ticket of {who}, but does not let it log in as database user {user}: the principal maps to no " +
                $"such role. Fix on the database server: the gss line in pg_hba.conf must map the principal to {user} (include_realm=0, or map= " +
                $"with a pg_ident.conf line for {who}).",
                userField, details, server.SqlState);
        }

        details.Add(new("Kerberos error", exception.Message));
        details.Add(new(AuthenticationStage.WhereToFix, "the database server (krb_server_keyfile)"));
        return context.Fail(ConnectionTestCategory.Authentication,
            $"The server rejected the portal's Kerberos ticket for {spn}. Fix on the database server: its keytab (krb_server_keyfile) " +
            $"must hold the current key of {spn} and be readable by the server's account; the server's log names the key it missed.",
            null, details);
    }
}
