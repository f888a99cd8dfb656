using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Benchmarks;

/// <summary>
/// The destinations Manage Destinations is measured with at 10,000 (issue 2), the same in every benchmark that lists them:
/// three name prefixes, 97 servers, 13 databases, two in three tested at different times.
/// </summary>
internal static class SeededDestinations
{
    /// <summary>Adds <paramref name="count"/> destinations to a migrated store, through EF (the search keys are the DbContext's).</summary>
    public static async Task AddAsync(IDbContextFactory<PortalDbContext> factory, int count)
    {
        await using var db = await factory.CreateDbContextAsync();
        var now = DateTime.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var name = (i % 3) switch { 0 => $"sales-{i}", 1 => $"finance-{i}", _ => $"hr-{i}" };
            var destination = new Destination
            {
                Id = Guid.CreateVersion7(),
                Name = name,
                NormalizedName = name.ToUpperInvariant(),
                TypeId = PostgreSqlDestinationType.Id,
                ServerName = $"pg-{i % 97}.corp.local",
                Port = 5432,
                TlsMode = TlsMode.VerifyFull,
                Username = "loader",
                Database = $"db_{i % 13}",
                TimeoutSeconds = 10,
                KerberosServiceName = "postgres",
                CreatedAtUtc = now,
                CreatedBy = "seed",
                UpdatedAtUtc = now.AddSeconds(-i),
                UpdatedBy = "seed",
                Version = Guid.NewGuid(),
            };
            // Two in three tested, at different times, so the last test sort has something to order.
            if (i % 3 != 0)
            {
                destination.RecordTest(i % 2 == 0 ? LastTestStatus.Passed : LastTestStatus.Failed, now.AddMinutes(-i));
            }

            db.Destinations.Add(destination);
        }

        await db.SaveChangesAsync();
    }
}
