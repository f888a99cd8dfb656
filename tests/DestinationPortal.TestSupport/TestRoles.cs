using Npgsql;

namespace DestinationPortal.TestSupport;

/// <summary>The roles every test cluster has, and what its pg_hba.conf does with them.</summary>
public static class TestRoles
{
    public const string SuperuserPassword = "superuser-secret-7f3a";

    public const string Scram = "scramuser";
    public const string ScramPassword = "scram-secret-1";
    public const string Md5 = "md5user";
    public const string Md5Password = "md5-secret-2";
    public const string Cleartext = "passworduser";
    public const string CleartextPassword = "cleartext-secret-3";
    public const string Trust = "trustuser";
    public const string Reject = "rejectuser";
    public const string NoHbaEntry = "nohbauser";
    public const string HostSslOnly = "ssluser";
    public const string HostSslOnlyPassword = "ssl-secret-4";
    public const string NoCreate = "nocreateuser";
    public const string NoCreatePassword = "nocreate-secret-5";

    /// <summary>Kerberos only. The test servers have no keytab, but the server asks for GSSAPI before it needs one.</summary>
    public const string Kerberos = "gssuser";

    /// <summary>
    /// pg_hba.conf with the rules for clients at <paramref name="clientAddress"/>: 127.0.0.1/32 for a local cluster;
    /// "all" for a container, whose clients arrive through Docker's port forwarding from an address of its network.
    /// </summary>
    public static string HbaConfFor(string clientAddress) => HbaConf.Replace("127.0.0.1/32", clientAddress, StringComparison.Ordinal) + "\n";

    // Order matters: pg_hba.conf uses the first matching line.
    private const string HbaConf = $"""
        host all postgres 127.0.0.1/32 scram-sha-256
        host all {Reject} 127.0.0.1/32 reject
        hostssl all {HostSslOnly} 127.0.0.1/32 scram-sha-256
        host all {Md5} 127.0.0.1/32 md5
        host all {Cleartext} 127.0.0.1/32 password
        host all {Trust} 127.0.0.1/32 trust
        host all {Kerberos} 127.0.0.1/32 gss
        host all {Scram},{NoCreate} 127.0.0.1/32 scram-sha-256
        """;

    /// <summary>A database nobody but its owner may connect to.</summary>
    public const string RestrictedDatabase = "restricted";

    /// <summary>Creates the roles and databases on a freshly started server.</summary>
    public static async Task SetUpAsync(string superuserConnectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(superuserConnectionString);
        await using (var command = dataSource.CreateCommand(SetupSql))
        {
            await command.ExecuteNonQueryAsync();
        }

        // CREATE DATABASE refuses to run inside the implicit transaction of a multi-statement command.
        foreach (var sql in DatabaseSetupSql)
        {
            await using var command = dataSource.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static IReadOnlyList<string> DatabaseSetupSql { get; } =
    [
        $"CREATE DATABASE {RestrictedDatabase}",
        $"REVOKE CONNECT ON DATABASE {RestrictedDatabase} FROM PUBLIC",
    ];

    private const string SetupSql = $"""
        CREATE ROLE {Scram} LOGIN PASSWORD '{ScramPassword}';
        CREATE ROLE {HostSslOnly} LOGIN PASSWORD '{HostSslOnlyPassword}';
        CREATE ROLE {Cleartext} LOGIN PASSWORD '{CleartextPassword}';
        CREATE ROLE {Trust} LOGIN;
        CREATE ROLE {Reject} LOGIN PASSWORD 'unused';
        CREATE ROLE {NoHbaEntry} LOGIN PASSWORD 'unused';
        CREATE ROLE {NoCreate} LOGIN PASSWORD '{NoCreatePassword}';
        CREATE ROLE {Kerberos} LOGIN;
        SET password_encryption = 'md5';
        CREATE ROLE {Md5} LOGIN PASSWORD '{Md5Password}';
        RESET password_encryption;
        GRANT CREATE ON SCHEMA public TO {Scram}, {HostSslOnly}, {Cleartext}, {Trust}, {Md5};
        """;
}
