using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace DestinationPortal.Core.Persistence;

public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options) : DbContext(options)
{
    public DbSet<Destination> Destinations => Set<Destination>();

    public DbSet<ConnectionTestRunRecord> TestRuns => Set<ConnectionTestRunRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var destination = modelBuilder.Entity<Destination>();
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
        destination.HasIndex(d => d.UpdatedAtUtc);

        var run = modelBuilder.Entity<ConnectionTestRunRecord>();
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

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite stores DateTime as text without a kind; everything the portal stores is UTC, so say so on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
