namespace DestinationPortal.Core.Persistence;

/// <summary>
/// The system clock at the precision every store keeps: PostgreSQL's timestamps hold microseconds, .NET's ticks are a
/// tenth of that, so a time taken at full precision would come back from PostgreSQL different from what the service
/// returned when it saved it (and SQLite, which keeps ticks, would disagree with PostgreSQL). Taking every time at
/// microsecond precision makes a saved time read back exactly, on both stores.
/// </summary>
public sealed class StoreTimeProvider : TimeProvider
{
    public override DateTimeOffset GetUtcNow()
    {
        var now = base.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
