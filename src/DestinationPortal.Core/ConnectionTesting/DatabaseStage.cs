using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Localization;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>Read-only checks on the authenticated session: who the server says the user is, and what the user may do.</summary>
internal static class DatabaseStage
{
    private static IStringLocalizer T => ConnectionTestText.Localizer;

    public static async Task<Verdict> CheckAsync(ConnectionTestContext context, AuthenticatedSession session, CancellationToken ct)
    {
        context.Events.Enter(ConnectionTestStage.Database);
        context.Emit(ConnectionTestStatus.Running, T["Database.Checking"], []);
        var connection = session.Connection;
        // pg_stat_gssapi exists from PostgreSQL 12 on; older servers are asked the rest.
        var gssView = connection.PostgreSqlVersion.Major >= 12;
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            select current_user, current_database(),
                   has_database_privilege(current_database(), 'CONNECT'),
                   has_database_privilege(current_database(), 'CREATE'),
                   (select has_schema_privilege(n.oid, 'CREATE') from pg_namespace n where n.nspname = 'public'),
                   s.ssl, s.version, s.cipher, s.bits
                   {(gssView ? ", g.gss_authenticated, g.principal, g.encrypted" : "")}
            from (select 1) as one
            left join pg_stat_ssl s on s.pid = pg_backend_pid()
            {(gssView ? "left join pg_stat_gssapi g on g.pid = pg_backend_pid()" : "")}
            """;
        Rights rights;
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            rights = Read(reader, gssView);
        }
        catch (PostgresException ex)
        {
            return context.ServerError(ex.SqlState, ex.MessageText, session.Probe.Encrypted, session.Probe.ServerOffersTls, authenticated: true);
        }
        catch (NpgsqlException ex) when (ex.InnerException is TimeoutException)
        {
            return context.TimedOut(context.Destination.TimeoutSeconds);
        }
        catch (NpgsqlException ex)
        {
            return context.Fail(ConnectionTestCategory.Database, T["Database.ChecksFailed", ex.Message], null, []);
        }

        return Report(context, session, rights);
    }

    private static Verdict Report(ConnectionTestContext context, AuthenticatedSession session, Rights rights)
    {
        var (user, database, canConnect, canCreateSchemas, canCreateInPublic, serverTls, serverGss, gssUsed) = rights;
        var clientPrincipal = session.ClientPrincipal;
        var details = new List<ConnectionTestDetail>
        {
            new(T["Database.Detail.ServerVersion"], session.Connection.ServerVersion),
            new(T["Database.Detail.CurrentUser"], user),
            new(T["Database.Detail.Database"], database),
            new(T["Database.Detail.ServerTls"], serverTls),
        };
        if (serverGss is not null && (context.Destination.WindowsAuthentication || gssUsed))
        {
            details.Add(new(T["Database.Detail.ServerGss"], serverGss));
        }

        details.Add(new(T["Auth.Detail.SessionEncryption"], session.Encryption));
        if (clientPrincipal is not null)
        {
            details.Add(new(T["Database.Detail.PrincipalMapped"], $"{clientPrincipal} → {user}"));
        }

        details.Add(new(T["Database.Detail.ConnectOnDatabase"], YesNo(canConnect)));
        details.Add(new(T["Database.Detail.CreateOnDatabase"], YesNo(canCreateSchemas)));
        details.Add(new(T["Database.Detail.CreateOnPublic"], canCreateInPublic is { } c ? YesNo(c) : T["Database.NoSchemaPublic"]));
        var serverName = context.Destination.ServerName;
        string summary = clientPrincipal is null
            ? T["Database.Connected", serverName, user, session.MethodName, session.Probe.Encrypted ? "TLS" : T["Database.NotEncrypted"]]
            : T["Database.ConnectedKerberos", serverName, user, clientPrincipal, session.MethodName, session.Encryption];
        if (canCreateInPublic != true)
        {
            context.Emit(ConnectionTestStatus.Warning, T["Database.CannotCreate", user, database], details);
            return new Verdict(true, ConnectionTestStage.Database, ConnectionTestCategory.Permissions,
                summary + " " + T["Database.CannotCreateGrant", user], DestinationField.Username, null);
        }

        context.Emit(ConnectionTestStatus.Succeeded, T["Database.Succeeded", session.Connection.PostgreSqlVersion, user], details);
        return new Verdict(true, null, null, summary, null, null);
    }

    private static Rights Read(NpgsqlDataReader reader, bool gssView)
    {
        string serverTls = !reader.IsDBNull(5) && reader.GetBoolean(5)
            ? T["Database.ServerTls", reader.GetString(6), reader.GetString(7), reader.GetInt32(8)]
            : T["Database.NotEncrypted"];
        string? serverGss = null;
        var gssUsed = false;
        if (gssView && !reader.IsDBNull(9))
        {
            var gssAuthenticated = reader.GetBoolean(9);
            var gssEncrypted = reader.GetBoolean(11);
            gssUsed = gssAuthenticated || gssEncrypted;
            serverGss = (gssAuthenticated, gssEncrypted) switch
            {
                (false, false) => T["Database.Gss.NotUsed"],
                (true, true) => T["Database.Gss.AuthenticatedEncrypted", reader.GetString(10)],
                (true, false) => T["Database.Gss.AuthenticatedNotEncrypted", reader.GetString(10)],
                (false, true) => T["Database.Gss.EncryptedNotAuthenticated"],
            };
        }

        return new Rights(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetBoolean(3),
            reader.IsDBNull(4) ? null : reader.GetBoolean(4), serverTls, serverGss, gssUsed);
    }

    private static string YesNo(bool value) => T[value ? "Database.Yes" : "Database.No"];

    /// <summary>What the server answered about the session and the user's rights.</summary>
    private sealed record Rights(
        string User, string Database, bool CanConnect, bool CanCreateSchemas, bool? CanCreateInPublic, string ServerTls, string? ServerGss, bool GssUsed);
}
