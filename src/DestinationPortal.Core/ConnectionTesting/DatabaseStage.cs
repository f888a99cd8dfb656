using DestinationPortal.Core.Destinations;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>Read-only checks on the authenticated session: who the server says the user is, and what the user may do.</summary>
internal static class DatabaseStage
{
    public static async Task<Verdict> CheckAsync(ConnectionTestContext context, AuthenticatedSession session, CancellationToken ct)
    {
        context.Events.Enter(ConnectionTestStage.Database);
        context.Emit(ConnectionTestStatus.Running, "Checking the server and the user's rights (read-only queries).", []);
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
            return context.Fail(ConnectionTestCategory.Database, $"The read-only checks failed: {ex.Message}", null, []);
        }

        return Report(context, session, rights);
    }

    private static Verdict Report(ConnectionTestContext context, AuthenticatedSession session, Rights rights)
    {
        var (user, database, canConnect, canCreateSchemas, canCreateInPublic, serverTls, serverGss) = rights;
        var clientPrincipal = session.ClientPrincipal;
        var details = new List<ConnectionTestDetail>
        {
            new("Server version", session.Connection.ServerVersion),
            new("current_user", user),
            new("Database", database),
            new("TLS seen by the server (pg_stat_ssl)", serverTls),
        };
        if (serverGss is not null && (context.Destination.WindowsAuthentication || serverGss != "not used"))
        {
            details.Add(new("GSSAPI seen by the server (pg_stat_gssapi)", serverGss));
        }

        details.Add(new("Session encryption", session.Encryption));
        if (clientPrincipal is not null)
        {
            details.Add(new("Kerberos principal mapped to database user", $"{clientPrincipal} → {user}"));
        }

        details.Add(new("CONNECT on database", YesNo(canConnect)));
        details.Add(new("CREATE on database", YesNo(canCreateSchemas)));
        details.Add(new("CREATE on schema public", canCreateInPublic is { } c ? YesNo(c) : "schema public does not exist"));
        var serverName = context.Destination.ServerName;
        var summary = clientPrincipal is null
            ? $"Connected to {serverName} as {user} ({session.MethodName}, {(session.Probe.Encrypted ? "TLS" : "not encrypted")})."
            : $"Connected to {serverName} as {user}: Kerberos principal {clientPrincipal} mapped to database user {user} ({session.MethodName}, {session.Encryption}).";
        if (canCreateInPublic != true)
        {
            context.Emit(ConnectionTestStatus.Warning, $"{user} cannot create tables in schema public of {database}.", details);
            return new Verdict(true, ConnectionTestStage.Database, ConnectionTestCategory.Permissions,
                summary + $" But {user} cannot create tables in schema public (grant with: GRANT CREATE ON SCHEMA public TO {user}).",
                DestinationField.Username, null);
        }

        context.Emit(ConnectionTestStatus.Succeeded, $"{session.Connection.PostgreSqlVersion}; {user} can connect and create tables in schema public.", details);
        return new Verdict(true, null, null, summary, null, null);
    }

    private static Rights Read(NpgsqlDataReader reader, bool gssView)
    {
        var serverTls = !reader.IsDBNull(5) && reader.GetBoolean(5)
            ? $"{reader.GetString(6)}, {reader.GetString(7)}, {reader.GetInt32(8)} bits"
            : "not encrypted";
        string? serverGss = null;
        if (gssView && !reader.IsDBNull(9))
        {
            var gssAuthenticated = reader.GetBoolean(9);
            var gssEncrypted = reader.GetBoolean(11);
            serverGss = !gssAuthenticated && !gssEncrypted ? "not used"
                : (gssAuthenticated ? $"authenticated as {reader.GetString(10)}" : "not authenticated") + (gssEncrypted ? ", GSS-encrypted" : ", not GSS-encrypted");
        }

        return new Rights(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetBoolean(3),
            reader.IsDBNull(4) ? null : reader.GetBoolean(4), serverTls, serverGss);
    }

    private static string YesNo(bool value) => value ? "yes" : "no";

    /// <summary>What the server answered about the session and the user's rights.</summary>
    private sealed record Rights(
        string User, string Database, bool CanConnect, bool CanCreateSchemas, bool? CanCreateInPublic, string ServerTls, string? ServerGss);
}
