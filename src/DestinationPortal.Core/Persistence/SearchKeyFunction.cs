using System.Data.Common;
using DestinationPortal.Core.Destinations;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DestinationPortal.Core.Persistence;

/// <summary>
/// Makes <see cref="SearchKey.For"/> callable from SQL as <c>portal_search_key(text)</c> on each connection the portal
/// opens. Only migrations use it: queries compare the stored keys. sqlite3 does not know the function, so an operator's
/// own queries see plain text columns and never need it.
/// </summary>
internal sealed class SearchKeyFunction : DbConnectionInterceptor
{
    public static SearchKeyFunction Instance { get; } = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Register(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Register(connection);
        return Task.CompletedTask;
    }

    private static void Register(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite)
        {
            sqlite.CreateFunction<string?, string>(SearchKey.SqlFunctionName, SearchKey.For, isDeterministic: true);
        }
    }
}
