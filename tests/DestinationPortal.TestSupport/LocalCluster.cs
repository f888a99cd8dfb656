using System.Globalization;
using Npgsql;

namespace DestinationPortal.TestSupport;

/// <summary>One running PostgreSQL server on a free loopback port, made from a copy of an initdb template.</summary>
public sealed class LocalCluster : IPostgreSqlServer
{
    private readonly string _binDirectory;
    private readonly string _dataDirectory;

    private LocalCluster(string name, string binDirectory, string dataDirectory, int port)
    {
        Name = name;
        _binDirectory = binDirectory;
        _dataDirectory = dataDirectory;
        Port = port;
        LogFile = Path.Combine(Path.GetDirectoryName(dataDirectory)!, name + ".log");
    }

    public string Name { get; }

    public int Port { get; }

    public string LogFile { get; }

    /// <summary>
    /// Runs initdb from <paramref name="bin"/> once into <paramref name="root"/>/template (superuser postgres with
    /// <see cref="TestRoles.SuperuserPassword"/>); clusters are copies of it. Returns the template's path.
    /// </summary>
    public static async Task<string> CreateTemplateAsync(string root, string bin)
    {
        var template = Path.Combine(root, "template");
        var passwordFile = Path.Combine(root, "superuser-password");
        await File.WriteAllTextAsync(passwordFile, TestRoles.SuperuserPassword);
        await LocalCommand.GiveToPostgresAsync(root);
        await LocalCommand.RunAsync(Path.Combine(bin, "initdb"),
            ["-D", template, "-U", "postgres", "--pwfile", passwordFile, "--auth", "scram-sha-256", "--no-locale", "-E", "UTF8", "--no-sync", "--no-instructions"],
            TimeSpan.FromSeconds(120));
        return template;
    }

    /// <summary>
    /// Copies the template, writes configuration and certificates, starts the server and creates the test roles.
    /// <see cref="ClusterExtras"/> adds settings, replaces <see cref="TestRoles.HbaConf"/>, runs more SQL and sets the server's environment.
    /// </summary>
    public static async Task<LocalCluster> StartAsync(string name, string binDirectory, string template, PemCertificate? certificate, ClusterExtras? extras = null)
    {
        var dataDirectory = Path.Combine(Path.GetDirectoryName(template)!, name);
        CopyDirectory(template, dataDirectory);
        if (!OperatingSystem.IsWindows())
        {
            // The server refuses a data directory others can read.
            File.SetUnixFileMode(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var cluster = new LocalCluster(name, binDirectory, dataDirectory, FreePort.Next());
        var settings = new List<string>
        {
            $"port = {cluster.Port.ToString(CultureInfo.InvariantCulture)}",
            "listen_addresses = '127.0.0.1'",
            $"unix_socket_directories = '{dataDirectory}'",
            "log_connections = on",
            "log_line_prefix = '%m [%p] %q%u@%d '",
            "lc_messages = 'C'",
            "shared_buffers = 16MB",
            "max_connections = 40",
            "fsync = off",
            "synchronous_commit = off",
        };
        if (certificate is null)
        {
            settings.Add("ssl = off");
        }
        else
        {
            await File.WriteAllTextAsync(Path.Combine(dataDirectory, "server.crt"), certificate.CertificatePem);
            var keyPath = Path.Combine(dataDirectory, "server.key");
            await File.WriteAllTextAsync(keyPath, certificate.KeyPem);
            if (!OperatingSystem.IsWindows())
            {
                // The server refuses a key file others can read.
                File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            settings.AddRange(["ssl = on", "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'"]);
        }

        settings.AddRange(extras?.Settings ?? []);
        await File.AppendAllLinesAsync(Path.Combine(dataDirectory, "postgresql.conf"), settings);
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, "pg_hba.conf"), extras?.HbaConf is { } hba ? hba + "\n" : TestRoles.HbaConfFor("127.0.0.1/32"));
        await LocalCommand.GiveToPostgresAsync(Path.GetDirectoryName(template)!);
        await LocalCommand.RunAsync(Path.Combine(binDirectory, "pg_ctl"), ["start", "-w", "-t", "60", "-D", dataDirectory, "-l", cluster.LogFile], TimeSpan.FromSeconds(90),
            extras?.Environment);

        await TestRoles.SetUpAsync(cluster.SuperuserConnectionString());
        if (extras?.SetupSql is { } extraSql)
        {
            await using var dataSource = NpgsqlDataSource.Create(cluster.SuperuserConnectionString());
            await using var command = dataSource.CreateCommand(extraSql);
            await command.ExecuteNonQueryAsync();
        }

        return cluster;
    }

    public string SuperuserConnectionString() => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Password = TestRoles.SuperuserPassword,
        Database = "postgres",
        SslMode = SslMode.Disable,
        GssEncryptionMode = GssEncryptionMode.Disable,
        Pooling = false,
    }.ConnectionString;

    /// <summary>The postmaster's process id (the first line of postmaster.pid), for benchmarks that read its CPU time.</summary>
    public int PostmasterProcessId() =>
        int.Parse(File.ReadLines(Path.Combine(_dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public async Task<int> CountLogLinesAsync(string text)
    {
        // The server keeps the file open for appending; share it rather than wait for the server to let go.
        await using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var count = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    public Task StopAsync() =>
        LocalCommand.RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["stop", "-w", "-m", "immediate", "-D", _dataDirectory], TimeSpan.FromSeconds(30));


    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(destination, Path.GetRelativePath(source, directory)));
        }
    }
}

/// <summary>What a cluster needs beyond the common test setup (e.g. Kerberos: a keytab setting, gss rules, the realm's environment).</summary>
public sealed record ClusterExtras(
    IReadOnlyList<string> Settings,
    string? HbaConf = null,
    string? SetupSql = null,
    IReadOnlyDictionary<string, string>? Environment = null);
