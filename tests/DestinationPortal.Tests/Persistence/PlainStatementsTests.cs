using System.Data;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Tests.Persistence;

/// <summary>The start-up's plain statements: they read what EF would, and leave the context's connection as they found it.</summary>
public sealed class PlainStatementsTests : IDisposable
{
    private readonly TestPortal _portal = new();

    public void Dispose() => _portal.Dispose();

    [Fact]
    public async Task Column_ConnectionClosed_ReadsEveryRowAndClosesItAgain()
    {
        using var session = _portal.Start();
        await using var db = await session.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

        var applied = await PlainStatements.ColumnAsync(
            db, """SELECT "MigrationId" FROM "__EFMigrationsHistory" ORDER BY "MigrationId" """, value => (string)value, CancellationToken.None);

        Assert.Equal(db.Database.GetMigrations().Order(StringComparer.Ordinal), applied);
        Assert.Equal(ConnectionState.Closed, db.Database.GetDbConnection().State);
    }

    [Fact]
    public async Task Scalar_ConnectionOpenedByCaller_AnswersAndLeavesItOpen()
    {
        using var session = _portal.Start();
        await using var db = await session.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();

        var noUser = await PlainStatements.ScalarAsync(db, """SELECT 1 FROM "AspNetUsers" LIMIT 1""", CancellationToken.None);
        var migrations = await PlainStatements.ScalarAsync(db, """SELECT count(*) FROM "__EFMigrationsHistory" """, CancellationToken.None);

        Assert.Null(noUser);
        Assert.Equal((long)db.Database.GetMigrations().Count(), migrations);
        Assert.Equal(ConnectionState.Open, db.Database.GetDbConnection().State);
    }
}
