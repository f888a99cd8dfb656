using DestinationPortal.Core.Destinations;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

internal sealed partial class ConnectionTestRun
{
    private async Task<Verdict> CheckDatabaseAsync(NpgsqlConnection connection, bool encrypted, string methodName, CancellationToken ct)
    {
        _stage = ConnectionTestStage.Database;
        Emit(ConnectionTestStatus.Running, "Checking the server and the user's rights (read-only queries).", []);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            select current_user, current_database(),
                   has_database_privilege(current_database(), 'CONNECT'),
                   has_database_privilege(current_database(), 'CREATE'),
                   (select has_schema_privilege(n.oid, 'CREATE') from pg_namespace n where n.nspname = 'public'),
                   s.ssl, s.version, s.cipher, s.bits
            from (select 1) as one
            left join pg_stat_ssl s on s.pid = pg_backend_pid()
            """;
        string user, database;
        bool canConnect, canCreateSchemas;
        bool? canCreateInPublic;
        string serverTls;
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
            new("CONNECT on database", YesNo(canConnect)),
            new("CREATE on database", YesNo(canCreateSchemas)),
            new("CREATE on schema public", canCreateInPublic is { } c ? YesNo(c) : "schema public does not exist"),
        };
        var summary = $"Connected to {_destination.ServerName} as {user} ({methodName}, {(encrypted ? "TLS" : "not encrypted")}).";
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
