using System.Text;
using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;

namespace DestinationPortal.TestSupport;

/// <summary>
/// One PostgreSQL server in a container, set up like a <see cref="LocalCluster"/>: the same roles, pg_hba rules,
/// certificate and log settings, all applied inside the container (Testcontainers' WithSsl installs the key with the
/// ownership and mode the server demands). Its port is published on 127.0.0.1 only, as the local clusters listen.
/// </summary>
public sealed class ContainerServer : IPostgreSqlServer
{
    /// <summary>Pinned, and the major version the local path prefers: the scenarios assert version-specific server behaviour (log lines, SCRAM-PLUS).</summary>
    public const string Image = "postgres:15.13-bookworm";

    private const string HbaFile = "/etc/destination-portal-test/pg_hba.conf";

    private readonly PostgreSqlContainer _container;
    private readonly LogCapture _log;

    private ContainerServer(string name, PostgreSqlContainer container, LogCapture log)
    {
        Name = name;
        _container = container;
        _log = log;
    }

    public string Name { get; }

    public int Port => _container.GetMappedPublicPort(PostgreSqlBuilder.PostgreSqlPort);

    /// <summary>Starts the container, waits until it accepts connections and creates the test roles.</summary>
    /// <remarks><paramref name="certificateDirectory"/> receives this server's certificate files, which Testcontainers copies in.</remarks>
    public static async Task<ContainerServer> StartAsync(string name, Uri dockerEndpoint, string certificateDirectory, PemCertificate? certificate)
    {
        var log = new LogCapture();
        var builder = new PostgreSqlBuilder(Image)
            .WithDockerEndpoint(dockerEndpoint)
            .WithLabel("destination-portal-test", name)
            .WithPassword(TestRoles.SuperuserPassword)
            // The image's entrypoint initialises the cluster over the local socket, so that stays open inside the container;
            // every TCP client arrives through Docker's port forwarding from an address of its network, hence "all".
            .WithResourceMapping(Encoding.UTF8.GetBytes("local all postgres trust\n" + TestRoles.HbaConfFor("all")), HbaFile)
            .WithCommand("-c", $"hba_file={HbaFile}", "-c", "log_connections=on", "-c", "log_line_prefix=%m [%p] %q%u@%d ", "-c", "lc_messages=C", "-c", "max_connections=40")
            .WithOutputConsumer(Consume.RedirectStdoutAndStderrToStream(Stream.Null, log))
            .WithCreateParameterModifier(parameters =>
            {
                // Docker publishes on every interface by default; 127.0.0.1 only keeps ::1 refused, as for a local cluster.
                var bindings = parameters.HostConfig?.PortBindings
                    ?? throw new InvalidOperationException("Testcontainers created the container without port bindings to restrict to 127.0.0.1.");
                foreach (var binding in bindings.Values.SelectMany(b => b))
                {
                    binding.HostIP = "127.0.0.1";
                }
            });

        if (certificate is null)
        {
            builder = builder.WithCommand("-c", "ssl=off");
        }
        else
        {
            var directory = Directory.CreateDirectory(Path.Combine(certificateDirectory, name)).FullName;
            var certificatePath = Path.Combine(directory, "server.crt");
            var keyPath = Path.Combine(directory, "server.key");
            await File.WriteAllTextAsync(certificatePath, certificate.CertificatePem);
            await File.WriteAllTextAsync(keyPath, certificate.KeyPem);
            builder = builder.WithSsl(FilePath.Of(certificatePath), FilePath.Of(keyPath));
        }

        var container = builder.Build();
        var server = new ContainerServer(name, container, log);
        try
        {
            await container.StartAsync();
            await TestRoles.SetUpAsync(server.SuperuserConnectionString());
            return server;
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
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

    /// <inheritdoc />
    public async Task<int> CountLogLinesAsync(string text)
    {
        // The server writes a log line before it answers, but Docker forwards the container's stderr asynchronously.
        // A marker logged now arrives after every line written before it (one stream, in order): wait for it, then count.
        var marker = "destination-portal-log-marker-" + Guid.NewGuid().ToString("N");
        await using (var dataSource = NpgsqlDataSource.Create(SuperuserConnectionString()))
        await using (var command = dataSource.CreateCommand($"DO $$ BEGIN RAISE LOG '{marker}'; END $$"))
        {
            await command.ExecuteNonQueryAsync();
        }

        await _log.WaitForAsync(marker);
        return _log.Lines().Count(line => line.Contains(text, StringComparison.Ordinal));
    }

    public async Task StopAsync() => await _container.DisposeAsync();
}

/// <summary>A write-only stream that keeps a container's stderr and lets a test wait for a text to arrive in it.</summary>
internal sealed class LogCapture : Stream
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _text = new();
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public IReadOnlyList<string> Lines()
    {
        lock (_lock)
        {
            return _text.ToString().Split('\n');
        }
    }

    public Task WaitForAsync(string text)
    {
        lock (_lock)
        {
            if (_text.ToString().Contains(text, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((text, seen));
            return seen.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        lock (_lock)
        {
            var chars = new char[_decoder.GetCharCount(buffer, offset, count)];
            _decoder.GetChars(buffer, offset, count, chars, 0);
            _text.Append(chars);
            var all = _text.ToString();
            foreach (var waiter in _waiters.Where(w => all.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                waiter.Seen.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
