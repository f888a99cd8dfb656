using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Persistence;
using DestinationPortal.IntegrationTests.Hosting;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.IntegrationTests.WindowsSignIn;

/// <summary>
/// A throwaway MIT realm (PORTAL.TEST) with HTTP/localhost in a keytab the portal is given by setting, people with
/// ticket caches of their own, and the portal running as a process with Windows sign-in on. The portal's SQLite store is
/// made here first, so that users an administrator "created beforehand" exist when it starts.
/// </summary>
public sealed class WindowsSignInPortal : IAsyncLifetime
{
    /// <summary>Has a portal user of the same name, created by an administrator before any Windows sign-in.</summary>
    public const string PreCreated = "alice";

    /// <summary>Known to the KDC, unknown to the portal.</summary>
    public const string Stranger = "stranger";

    private DirectoryInfo? _root;
    private KerberosRealm? _realm;
    private PortalStore? _store;

    public PortalProcess Portal { get; private set; } = null!;

    public string WorkDirectory { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _root = Directory.CreateTempSubdirectory("destination-portal-windows-");
        WorkDirectory = Directory.CreateDirectory(Path.Combine(_root.FullName, "work")).FullName;
        try
        {
            _realm = await KerberosRealm.StartAsync(Directory.CreateDirectory(Path.Combine(_root.FullName, "realm")).FullName);
            var httpKeytab = await _realm.AddPrincipalWithKeytabAsync("HTTP/localhost", "http.keytab");
            foreach (var person in new[] { PreCreated, Stranger })
            {
                await _realm.KinitAsync(person, await _realm.AddPrincipalWithKeytabAsync(person, $"{person}.keytab"), TicketCache(person));
            }

            _store = await PortalStore.SqliteAsync();
            await using (var administrator = _store.StartInstance(new TestCurrentUser("admin")))
            {
                var created = await administrator.Get<UserAdministration>().CreateAsync(PreCreated, PortalRole.Editor);
                Assert.True(created.Succeeded, created.Error);
            }

            Portal = await PortalProcess.StartAsync(new Dictionary<string, string>(_store.Settings.Select(s => KeyValuePair.Create(s.Key, s.Value!)))
            {
                ["Portal:Admin:UserName"] = PortalApp.AdminName,
                ["Portal:Admin:Password"] = PortalApp.AdminPassword,
                ["Portal:Authentication:Windows:Enabled"] = "true",
                ["Portal:Authentication:Windows:Realm"] = KerberosRealm.Name,
                // The setting, not KRB5_KTNAME: the portal must hand it to libkrb5 itself.
                ["Portal:Authentication:Windows:Keytab"] = httpKeytab,
                ["KRB5_CONFIG"] = _realm.ConfigFile,
                // The acceptor's replay cache stays in the temp tree.
                ["KRB5RCACHEDIR"] = WorkDirectory,
            });
        }
        catch
        {
            // xunit does not dispose a fixture whose initialisation failed: stop what started.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>curl's environment for <paramref name="person"/>'s ticket cache (from kinit), or an empty cache for null.</summary>
    public IReadOnlyDictionary<string, string> Client(string? person) => new Dictionary<string, string>
    {
        ["KRB5_CONFIG"] = _realm!.ConfigFile,
        ["KRB5CCNAME"] = person is null ? $"FILE:{Path.Combine(WorkDirectory, "empty.cc")}" : TicketCache(person),
    };

    public Task<CurlResponse> GetAsync(string path, string? person, params string[] arguments) =>
        Curl.GetAsync(new Uri(Portal.BaseUrl, path), Client(person), WorkDirectory, arguments);

    /// <summary>The store as the portal left it: a fresh context per call, since the portal process writes to it.</summary>
    public async Task<T> ReadAsync<T>(Func<PortalDbContext, Task<T>> read)
    {
        await using var instance = _store!.StartInstance(new TestCurrentUser("admin"));
        await using var db = await instance.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await read(db);
    }

    public Task<List<AuditEntry>> AuditRowsAsync(string userName) =>
        ReadAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.UserName == userName).ToListAsync());

    public Task<PortalUser?> UserAsync(string userName) =>
        ReadAsync(db => db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == userName));

    public async Task DisposeAsync()
    {
        if (Portal is not null)
        {
            await Portal.DisposeAsync();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        if (_realm is not null)
        {
            await _realm.DisposeAsync();
        }

        _root?.Delete(recursive: true);
    }

    private string TicketCache(string person) => $"FILE:{Path.Combine(WorkDirectory, person + ".cc")}";
}
