using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Localization;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Advice for a Kerberos login the database server refused after the KDC issued the ticket: then it can only be the
/// server's Kerberos setup (its keytab, pg_hba.conf, pg_ident.conf, roles).
/// </summary>
internal static class KerberosServerAdvice
{
    private static Microsoft.Extensions.Localization.IStringLocalizer T => ConnectionTestText.Localizer;

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
        var who = clientPrincipal ?? T["Kerberos.Server.PortalPrincipal"];
        var user = context.User.Name;
        var spn = context.ServicePrincipalName;
        // Username is greyed out with Windows Authentication; point at it only when it was filled in and so chose the user.
        var userField = context.Destination.Username.Length > 0 ? DestinationField.Username : null;
        if (exception is PostgresException server)
        {
            details.Add(new("SQLSTATE", server.SqlState));
            details.Add(new(T["Verdict.Detail.ServerMessage"], server.MessageText));
            if (server.MessageText.StartsWith("role ", StringComparison.Ordinal))
            {
                details.Add(new(AuthenticationStage.WhereToFix, T["Kerberos.Where.ServerRoles"]));
                return context.Fail(ConnectionTestCategory.Authentication, T["Kerberos.Server.RoleMissing", who, user], userField, details, server.SqlState);
            }

            details.Add(new(AuthenticationStage.WhereToFix, T["Kerberos.Where.ServerHba"]));
            return context.Fail(ConnectionTestCategory.Authentication, T["Kerberos.Server.NotMapped", who, user], userField, details, server.SqlState);
        }

        details.Add(new(T["Kerberos.Detail.Error"], exception.Message));
        details.Add(new(AuthenticationStage.WhereToFix, T["Kerberos.Where.ServerKeytab"]));
        return context.Fail(ConnectionTestCategory.Authentication, T["Kerberos.Server.TicketRejected", spn], null, details);
    }
}
