using DestinationPortal.Core.Destinations;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

internal sealed partial class ConnectionTestRun
{
    // encryption: how the session is protected (TLS-encrypted, GSS-encrypted, not encrypted); clientPrincipal: with
    // Windows Authentication, the Kerberos principal the ticket was issued to.
    private async Task<Verdict> CheckDatabaseAsync(
        NpgsqlConnection connection, bool encrypted, string encryption, string methodName, string? clientPrincipal, CancellationToken ct)
    {
        _stage = ConnectionTestStage.Database;
        Emit(ConnectionTestStatus.Running, "Checking the server and the user's rights (read-only queries).", []);
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
        string user, database;
        bool canConnect, canCreateSchemas;
        bool? canCreateInPublic;
        string serverTls;
        string? serverGss = null;
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            user = reader.GetString(0);
            database = reader.GetString(1);
            canConnect = reader.GetBoolean(2);
            canCreateSchemas = reader.GetBoolean(3);
            canCreateInPublic = reader.IsDBNull(4) ? null : reader.GetBoolean(4);
            serverTls = !reader.IsDBNull(5) && reader.GetBoolean(5)
                ? $"{reader.GetString(6)}, {reader.GetString(7)}, {reader.GetInt32(8)} bits"
                : "not encrypted";
            if (gssView && !reader.IsDBNull(9))
            {
                var gssAuthenticated = reader.GetBoolean(9);
                var gssEncrypted = reader.GetBoolean(11);
                serverGss = !gssAuthenticated && !gssEncrypted ? "not used"
                    : (gssAuthenticated ? $"authenticated as {reader.GetString(10)}" : "not authenticated") + (gssEncrypted ? ", GSS-encrypted" : ", not GSS-encrypted");
            }
        }
        catch (PostgresException ex)
        {
            return ServerError(ex.SqlState, ex.MessageText, encrypted, authenticated: true);
        }
        catch (NpgsqlException ex) when (ex.InnerException is TimeoutException)
        {
            return TimedOut(_destination.TimeoutSeconds);
        }
        catch (NpgsqlException ex)
        {
            return Fail(ConnectionTestCategory.Database, $"The read-only checks failed: {ex.Message}", null, []);
        }

        var details = new List<ConnectionTestDetail>
        {
            new("Server version", connection.ServerVersion),
            new("current_user", user),
            new("Database", database),
            new("TLS seen by the server (pg_stat_ssl)", serverTls),
        };
        if (serverGss is not null && (_destination.WindowsAuthentication || serverGss != "not used"))
        {
            details.Add(new("GSSAPI seen by the server (pg_stat_gssapi)", serverGss));
        }

        details.Add(new("Session encryption", encryption));
        if (clientPrincipal is not null)
        {
            details.Add(new("Kerberos principal mapped to database user", $"{clientPrincipal} → {user}"));
        }

        details.Add(new("CONNECT on database", YesNo(canConnect)));
        details.Add(new("CREATE on database", YesNo(canCreateSchemas)));
        details.Add(new("CREATE on schema public", canCreateInPublic is { } c ? YesNo(c) : "schema public does not exist"));
        var summary = clientPrincipal is null
            ? $"Connected to {_destination.ServerName} as {user} ({methodName}, {(encrypted ? "TLS" : "not encrypted")})."
            : $"Connected to {_destination.ServerName} as {user}: Kerberos principal {clientPrincipal} mapped to database user {user} ({methodName}, {encryption}).";
        if (canCreateInPublic != true)
        {
            Emit(ConnectionTestStatus.Warning, $"{user} cannot create tables in schema public of {database}.", details);
            return new Verdict(true, ConnectionTestStage.Database, ConnectionTestCategory.Permissions,
                summary + $" But {user} cannot create tables in schema public (grant with: GRANT CREATE ON SCHEMA public TO {user}).",
                nameof(DestinationInput.Username), null);
        }

        Emit(ConnectionTestStatus.Succeeded, $"{connection.PostgreSqlVersion}; {user} can connect and create tables in schema public.", details);
        return new Verdict(true, null, null, summary, null, null);
    }

    private static string YesNo(bool value) => value ? "yes" : "no";
}
