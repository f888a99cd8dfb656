namespace DestinationPortal.IntegrationTests.PostgreSql;

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

    // Order matters: pg_hba.conf uses the first matching line.
    public const string HbaConf = $"""
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

    public static IReadOnlyList<string> DatabaseSetupSql { get; } =
    [
        $"CREATE DATABASE {RestrictedDatabase}",
        $"REVOKE CONNECT ON DATABASE {RestrictedDatabase} FROM PUBLIC",
    ];

    public const string SetupSql = $"""
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
