using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Core.Secrets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Core;

public static class PortalCoreServiceCollectionExtensions
{
    /// <summary>Registers destinations, persistence and secret protection. Call <see cref="DatabaseInitializer.InitializePortalDatabaseAsync"/> before serving.</summary>
    public static IServiceCollection AddPortalCore(this IServiceCollection services)
    {
        services.AddOptions<PortalOptions>()
            .BindConfiguration(PortalOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddDbContextFactory<PortalDbContext>((sp, options) => UseStore(options, sp.GetRequiredService<IOptions<PortalOptions>>().Value));
        services.AddSingleton<IWriteGate>(sp => sp.GetRequiredService<IOptions<PortalOptions>>().Value is { UsesPostgreSql: true } portal
            ? new PostgresWriteGate(PostgresSessionLock.CreateDataSource(portal.Database.ConnectionString!))
            : new SqliteWriteGate());

        services.AddDataProtection().SetApplicationName("DestinationPortal");
        // Resolved only on PostgreSQL, where the key ring is shared by every instance.
        services.AddDbContext<KeyRingDbContext>((sp, options) =>
            options.UseNpgsql(sp.GetRequiredService<IOptions<PortalOptions>>().Value.Database.ConnectionString));
        services.AddOptions<KeyManagementOptions>()
            .Configure<IOptions<PortalOptions>, ILoggerFactory, IServiceProvider>((keys, portal, loggers, sp) =>
                keys.XmlRepository = portal.Value.UsesPostgreSql
                    ? new EntityFrameworkCoreXmlRepository<KeyRingDbContext>(sp, loggers)
                    : new FileSystemXmlRepository(Directory.CreateDirectory(portal.Value.KeyRingDirectory), loggers));

        // Resource lookups follow the current UI culture, which the web host sets per request and circuit.
        services.AddLocalization();
        services.AddSingleton<TimeProvider>(new StoreTimeProvider());
        services.AddSingleton<SecretProtector>();
        services.AddScoped<DestinationService>();
        services.AddScoped<DestinationTransfer>();

        AddAccess(services);

        services.AddOptions<ConnectionTestingOptions>()
            .BindConfiguration(ConnectionTestingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ConnectionTestGate>();
        services.AddSingleton<IConnectionTestGate>(sp => sp.GetRequiredService<IOptions<PortalOptions>>().Value is { UsesPostgreSql: true } portal
            ? new PostgresConnectionTestGate(Npgsql.NpgsqlDataSource.Create(portal.Database.ConnectionString!), sp.GetRequiredService<ILogger<PostgresConnectionTestGate>>())
            : sp.GetRequiredService<ConnectionTestGate>());
        services.AddSingleton<IHostNameResolver, DnsHostNameResolver>();
        services.AddSingleton<IKerberosIdentityReader, KerberosIdentityReader>();
        services.AddScoped<ConnectionTester>();
        services.AddScoped<IConnectionTester>(sp => sp.GetRequiredService<ConnectionTester>());
        services.AddSingleton<ConnectionTestBroadcaster>();
        services.AddSingleton<ConnectionTestHistory>();
        services.AddSingleton<TestedConnections>();
        services.AddScoped<DestinationTestRunner>();
        return services;
    }

    /// <summary>The assembly that holds the PostgreSQL migrations (the SQLite ones are in this assembly).</summary>
    public const string PostgreSqlMigrationsAssembly = "DestinationPortal.Persistence.PostgreSql";

    /// <summary>The portal's store as configured: the data directory's SQLite file, or the shared PostgreSQL database.</summary>
    public static DbContextOptionsBuilder UseStore(DbContextOptionsBuilder options, PortalOptions portal)
    {
        if (portal.UsesPostgreSql)
        {
            return options.UseNpgsql(portal.Database.ConnectionString, npgsql => npgsql.MigrationsAssembly(PostgreSqlMigrationsAssembly));
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = portal.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
        }.ToString();
        // The model compiled ahead of time (Persistence/CompiledModel, `dotnet ef dbcontext optimize`, see docs/decisions.md):
        // building it from OnModelCreating took most of a second of every start (issue 16). SQLite only: the compiled model
        // carries SQLite's type mappings; the PostgreSQL store builds its own at start. CompiledModelTests keeps it current.
        // Migrate's own check for model changes missing from the migrations would build the model from OnModelCreating
        // anyway; the tests make that check (DestinationServiceTests.Model_HasNoChangesMissingFromTheMigrations).
        return options.UseSqlite(connectionString)
            .UseModel(Persistence.CompiledModel.PortalDbContextModel.Instance)
            .ConfigureWarnings(warnings => warnings.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.PendingModelChangesWarning));
    }

    private static void AddAccess(IServiceCollection services)
    {
        services.AddOptions<PortalAdminOptions>().BindConfiguration(PortalAdminOptions.SectionName);
        services.AddOptions<PortalAuthenticationOptions>()
            .BindConfiguration(PortalAuthenticationOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddIdentityCore<PortalUser>(options =>
            {
                // Length over composition rules (NIST SP 800-63B): 12 characters, anything allowed.
                options.Password.RequiredLength = 12;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 4;
                // Read by SignInAttempts, which locks a user name per client address; Identity's own account-wide lockout
                // is never triggered (no caller asks it to count failures).
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                options.User.AllowedUserNameCharacters = UserNameRule.AllowedCharacters;
            })
            .AddUserValidator<UserNameValidator>()
            .AddErrorDescriber<PortalIdentityErrorDescriber>()
            .AddEntityFrameworkStores<PortalDbContext>();

        services.AddScoped<AuditLog>();
        services.AddScoped<AccessGuard>();
        services.AddSingleton<SignInAttempts>();
        services.AddScoped<SignInCheck>();
        services.AddScoped<AuditTrail>();
        services.AddOptions<AuditRetentionOptions>()
            .BindConfiguration(AuditRetentionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<AuditRetention>();
        services.AddHostedService<AuditRetentionJob>();
        services.AddScoped<ApiTokenService>();
        services.AddScoped<UserAdministration>();
        services.AddSingleton<FirstAdministrator>();
        services.AddSingleton<ISetupTokens>(sp => sp.GetRequiredService<IOptions<PortalOptions>>().Value.UsesPostgreSql
            ? new StoredSetupTokens(sp.GetRequiredService<IDbContextFactory<PortalDbContext>>())
            : new InMemorySetupTokens());
    }
}
