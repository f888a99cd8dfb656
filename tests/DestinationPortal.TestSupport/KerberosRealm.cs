using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace DestinationPortal.TestSupport;

/// <summary>
/// A throwaway MIT Kerberos realm on loopback: its own krb5.conf and kdc.conf (KRB5_CONFIG, KRB5_KDC_PROFILE), database
/// and stash in a temp directory, and a krb5kdc this class starts and stops. No system file is read or written.
/// There is no fallback: without the Debian packages the fixture fails and says what to install.
/// </summary>
public sealed class KerberosRealm : IAsyncDisposable
{
    public const string Name = "PORTAL.TEST";

    private const string KdcBinary = "/usr/sbin/krb5kdc";
    private const string AdminBinary = "/usr/sbin/kadmin.local";
    private const string DatabaseBinary = "/usr/sbin/kdb5_util";
    private const string KinitBinary = "/usr/bin/kinit";
    private static readonly TimeSpan s_commandLimit = TimeSpan.FromSeconds(30);

    private readonly string _directory;
    private readonly Dictionary<string, string> _environment;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _kdcLog = new();
    private Process? _kdc;

    private KerberosRealm(string directory)
    {
        _directory = directory;
        ConfigFile = Path.Combine(directory, "krb5.conf");
        UnreachableKdcConfigFile = Path.Combine(directory, "krb5-kdc-unreachable.conf");
        _environment = new()
        {
            ["KRB5_CONFIG"] = ConfigFile,
            ["KRB5_KDC_PROFILE"] = Path.Combine(directory, "kdc.conf"),
        };
    }

    /// <summary>The client configuration (KRB5_CONFIG) pointing at this realm's KDC.</summary>
    public string ConfigFile { get; }

    /// <summary>The same realm, but its KDC is a loopback port nothing listens on: "the KDC is down" without stopping the shared one.</summary>
    public string UnreachableKdcConfigFile { get; }

    public int KdcPort { get; private set; }

    /// <summary>The KDC's log so far (it logs to stderr), for failure messages.</summary>
    public string KdcLog => string.Join('\n', _kdcLog);

    public static async Task<KerberosRealm> StartAsync(string directory)
    {
        foreach (var binary in new[] { KdcBinary, AdminBinary, DatabaseBinary })
        {
            if (!File.Exists(binary))
            {
                throw new InvalidOperationException(
                    $"The Kerberos integration tests need an MIT KDC ({binary} is missing). Install it with " +
                    "`apt-get install krb5-kdc krb5-admin-server krb5-user` (Debian/Ubuntu; test.sh does this).");
            }
        }

        var realm = new KerberosRealm(directory);
        try
        {
            await realm.CreateAsync();
            return realm;
        }
        catch
        {
            await realm.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates a principal with a random key and exports it to a keytab of its own.</summary>
    public async Task<string> AddPrincipalWithKeytabAsync(string principal, string keytabFileName)
    {
        await AddPrincipalAsync(principal);
        var keytab = Path.Combine(_directory, keytabFileName);
        await RunAsync(AdminBinary, ["-r", Name, "-q", $"ktadd -k {keytab} {principal}@{Name}"]);
        return keytab;
    }

    /// <summary>
    /// Puts a ticket-granting ticket for <paramref name="principal"/> into <paramref name="ticketCache"/> (KRB5CCNAME
    /// syntax), got with the key in <paramref name="keytab"/>: the ticket a person's domain logon leaves behind.
    /// </summary>
    public Task KinitAsync(string principal, string keytab, string ticketCache) =>
        RunAsync(KinitBinary, ["-k", "-t", keytab, $"{principal}@{Name}"], new Dictionary<string, string> { ["KRB5CCNAME"] = ticketCache });

    /// <summary>Creates a principal the KDC knows but whose key is in no keytab.</summary>
    public Task AddPrincipalAsync(string principal) => RunAsync(AdminBinary, ["-r", Name, "-q", $"addprinc -randkey {principal}@{Name}"]);

    public async ValueTask DisposeAsync()
    {
        if (_kdc is { } kdc)
        {
            if (!kdc.HasExited)
            {
                kdc.Kill();
            }

            using var limit = new CancellationTokenSource(s_commandLimit);
            await kdc.WaitForExitAsync(limit.Token);
            kdc.Dispose();
        }
    }

    private async Task CreateAsync()
    {
        KdcPort = FreePort.Next();
        var port = KdcPort.ToString(CultureInfo.InvariantCulture);
        // TCP only (udp_preference_limit = 1) and no DNS (canonicalisation, reverse lookups, realm/KDC discovery):
        // everything the client does stays on 127.0.0.1 and in these files.
        await File.WriteAllTextAsync(ConfigFile, ClientConfiguration(port));
        await File.WriteAllTextAsync(UnreachableKdcConfigFile, ClientConfiguration(FreePort.Next().ToString(CultureInfo.InvariantCulture)));
        await File.WriteAllTextAsync(_environment["KRB5_KDC_PROFILE"], $$"""
            [kdcdefaults]
              kdc_listen = 127.0.0.1:{{port}}
              kdc_tcp_listen = 127.0.0.1:{{port}}
            [realms]
              {{Name}} = {
                database_name = {{_directory}}/principal
                key_stash_file = {{_directory}}/stash
                acl_file = {{_directory}}/kadm5.acl
                max_life = 1h
                supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
              }
            [logging]
              kdc = STDERR
            """);
        await File.WriteAllTextAsync(Path.Combine(_directory, "kadm5.acl"), "");
        await RunAsync(DatabaseBinary, ["create", "-s", "-r", Name, "-P", Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))]);
        await StartKdcAsync();
    }

    private static string ClientConfiguration(string kdcPort) => $$"""
        [libdefaults]
          default_realm = {{Name}}
          dns_lookup_realm = false
          dns_lookup_kdc = false
          dns_canonicalize_hostname = false
          rdns = false
          udp_preference_limit = 1
        [realms]
          {{Name}} = {
            kdc = 127.0.0.1:{{kdcPort}}
          }
        [domain_realm]
          localhost = {{Name}}
          .portal.test = {{Name}}
        """;

    private async Task StartKdcAsync()
    {
        // -n: stay in the foreground, so this process owns it and its stderr is the KDC log.
        var start = new ProcessStartInfo(KdcBinary, ["-n"]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _kdc = new Process { StartInfo = start, EnableRaisingEvents = true };
        _kdc.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException($"krb5kdc exited before it was ready:\n{KdcLog}"));
                return;
            }

            _kdcLog.Enqueue(e.Data);
            // Logged once the listening sockets are open.
            if (e.Data.Contains("commencing operation", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        _kdc.OutputDataReceived += (_, e) => _kdcLog.Enqueue(e.Data ?? "");
        _kdc.Start();
        _kdc.BeginErrorReadLine();
        _kdc.BeginOutputReadLine();
        try
        {
            await ready.Task.WaitAsync(s_commandLimit);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"krb5kdc did not report 'commencing operation' within {s_commandLimit.TotalSeconds} s:\n{KdcLog}");
        }
    }

    private async Task RunAsync(string executable, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(executable, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment is null ? _environment : _environment.Concat(environment))
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(s_commandLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(executable)} {string.Join(' ', arguments)} did not finish within {s_commandLimit.TotalSeconds} s.");
        }

        // kadmin.local reports some failures on stderr with exit code 0, so both are checked.
        var errors = await error;
        if (process.ExitCode != 0 || errors.Contains("while ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Path.GetFileName(executable)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{errors}");
        }
    }
}
