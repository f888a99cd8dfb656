using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Core.Secrets;
using Microsoft.AspNetCore.DataProtection;
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

        services.AddDbContextFactory<PortalDbContext>((sp, options) =>
        {
            var portal = sp.GetRequiredService<IOptions<PortalOptions>>().Value;
            var connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = portal.DatabasePath,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Cache = SqliteCacheMode.Private,
            }.ToString();
            options.UseSqlite(connectionString);
        });

        services.AddDataProtection().SetApplicationName("DestinationPortal");
        services.AddOptions<KeyManagementOptions>()
            .Configure<IOptions<PortalOptions>, ILoggerFactory>((keys, portal, loggers) =>
                keys.XmlRepository = new FileSystemXmlRepository(Directory.CreateDirectory(portal.Value.KeyRingDirectory), loggers));

        // Resource lookups follow the current UI culture, which the web host sets per request and circuit.
        services.AddLocalization();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SqliteWriteGate>();
        services.AddSingleton<SecretProtector>();
        services.AddScoped<DestinationService>();
        services.AddScoped<DestinationTransfer>();

        AddAccess(services);

        services.AddOptions<ConnectionTestingOptions>()
            .BindConfiguration(ConnectionTestingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ConnectionTestGate>();
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

    private static void AddAccess(IServiceCollection services)
    {
        services.AddOptions<PortalAdminOptions>().BindConfiguration(PortalAdminOptions.SectionName);
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
    }
}
