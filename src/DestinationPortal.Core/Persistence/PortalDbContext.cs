using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace DestinationPortal.Core.Persistence;

/// <summary>
/// The portal's store, SQLite by default or a shared PostgreSQL database: destinations, test runs, users (ASP.NET Core
/// Identity's user tables; roles are a column, one per user), API tokens and the audit trail. On SQLite every
/// SaveChanges, whoever calls it (the portal's services or Identity's stores), passes the <see cref="IWriteGate"/>: the
/// one place that rule lives.
/// </summary>
public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options, IWriteGate writeGate) : IdentityUserContext<PortalUser>(options)
{
    public DbSet<Destination> Destinations => Set<Destination>();

    public DbSet<ConnectionTestRunRecord> TestRuns => Set<ConnectionTestRunRecord>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        using var _ = writeGate.SerializesEverySave ? writeGate.Enter() : null;
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        using var _ = writeGate.SerializesEverySave ? await writeGate.EnterAsync(cancellationToken) : null;
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        var user = builder.Entity<PortalUser>();
        user.Property(u => u.Role).HasConversion<string>().HasMaxLength(16);
        user.Property(u => u.Language).HasMaxLength(Localization.PortalLanguages.MaxLength);

        var token = builder.Entity<ApiToken>();
        token.HasKey(t => t.Id);
        token.HasOne<PortalUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        token.Property(t => t.Name).HasMaxLength(ApiTokenService.MaxNameLength).IsRequired();
        token.Property(t => t.TokenHash).HasMaxLength(64).IsRequired();
        token.HasIndex(t => t.TokenHash).IsUnique();
        token.Property(t => t.Prefix).HasMaxLength(16);
        token.HasIndex(t => t.UserId);

        var audit = builder.Entity<AuditEntry>();
        audit.ToTable("AuditEntries");
        audit.HasKey(e => e.Id);
        audit.Property(e => e.UserName).HasMaxLength(256).IsRequired();
        audit.Property(e => e.SourceAddress).HasMaxLength(64).IsRequired();
        audit.Property(e => e.Action).HasMaxLength(32).IsRequired();
        audit.Property(e => e.Outcome).HasMaxLength(200).IsRequired();
        audit.Property(e => e.DestinationName).HasMaxLength(DestinationValidator.MaxNameLength);
        audit.Property(e => e.Target).HasMaxLength(300);
        audit.Property(e => e.ChangedFields).HasMaxLength(500);
        audit.Property(e => e.Details).HasMaxLength(AuditLog.MaxDetailsLength);
        audit.HasIndex(e => e.AtUtc);
        audit.HasIndex(e => new { e.UserName, e.AtUtc });
        audit.HasIndex(e => new { e.Action, e.AtUtc });

        var destination = builder.Entity<Destination>();
        destination.HasKey(d => d.Id);
        destination.Property(d => d.Name).HasMaxLength(DestinationValidator.MaxNameLength).IsRequired();
        destination.Property(d => d.NormalizedName).HasMaxLength(DestinationValidator.MaxNameLength).IsRequired();
        destination.HasIndex(d => d.NormalizedName).IsUnique();
        destination.Property(d => d.TypeId).HasMaxLength(32).IsRequired();
        destination.Property(d => d.ServerName).HasMaxLength(253).IsRequired();
        destination.Property(d => d.PrivateEndpoint).HasMaxLength(253);
        destination.Property(d => d.TlsMode).HasConversion<string>().HasMaxLength(16);
        destination.Property(d => d.Username).HasMaxLength(63);
        destination.Property(d => d.Database).HasMaxLength(63).IsRequired();
        destination.Property(d => d.KerberosServiceName).HasMaxLength(63).IsRequired();
        destination.Property(d => d.CreatedBy).HasMaxLength(256);
        destination.Property(d => d.UpdatedBy).HasMaxLength(256);
        destination.Property(d => d.Version).IsConcurrencyToken();
        destination.Property(d => d.LastTestStatus).HasConversion<string>().HasMaxLength(32);
        // The grid's sorts, column by column as DestinationListing orders them, so a page is read in index order and
        // LIMIT stops early instead of sorting every row.
        destination.Property(d => d.NameKey).IsRequired();
        destination.Property(d => d.ServerNameKey).IsRequired();
        destination.Property(d => d.DatabaseKey).IsRequired();
        destination.HasIndex(d => new { d.NameKey, d.Id });
        destination.HasIndex(d => new { d.ServerNameKey, d.Port, d.Id });
        destination.HasIndex(d => new { d.DatabaseKey, d.Id });
        destination.HasIndex(d => new { d.TypeId, d.Id });
        destination.HasIndex(d => new { d.TlsMode, d.Id });
        destination.HasIndex(d => new { d.UpdatedAtUtc, d.Id });
        // Last test sorts never-tested first ("LastTestAtUtc IS NOT NULL", LastTestAtUtc, Id): an index on that expression
        // is SQL in both migration sets (LastTestSortIndex), as EF's model has no expression indexes.

        var run = builder.Entity<ConnectionTestRunRecord>();
        run.ToTable("TestRuns");
        run.HasKey(r => r.Id);
        run.HasOne<Destination>().WithMany().HasForeignKey(r => r.DestinationId).OnDelete(DeleteBehavior.Cascade);
        run.HasIndex(r => new { r.DestinationId, r.StartedAtUtc });
        run.Property(r => r.StartedBy).HasMaxLength(256);
        run.Property(r => r.Target).HasMaxLength(300);
        run.Property(r => r.ProblemStage).HasConversion<string>().HasMaxLength(32);
        run.Property(r => r.Category).HasConversion<string>().HasMaxLength(32);
        run.Property(r => r.SqlState).HasMaxLength(5);
    }

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
    {
        // On every connection, whoever built the options (the app, dotnet ef, a test): the migration that filled the
        // search keys of existing rows calls it, so they are folded by exactly the code that folds every later write.
        optionsBuilder.AddInterceptors(SearchKeyFunction.Instance);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite stores DateTime as text without a kind; everything the portal stores is UTC, so say so on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
