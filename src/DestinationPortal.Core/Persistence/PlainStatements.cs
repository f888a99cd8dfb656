using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Core.Persistence;

/// <summary>
/// One fixed statement on a DbContext's own connection, without EF compiling a query for it: for the start-up's checks,
/// where a compiled query cost a sizeable part of every start to learn what is true on almost all of them (issue 16).
/// The connection is opened through EF, so one a caller already opened stays open and one that was closed is closed again.
/// </summary>
internal static class PlainStatements
{
    /// <summary>The first column of the first row; null when there is no row.</summary>
    public static async Task<object?> ScalarAsync(DbContext db, string sql, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = Command(db, sql);
            return await command.ExecuteScalarAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The first column of every row, each value converted by <paramref name="convert"/>.</summary>
    public static async Task<List<T>> ColumnAsync<T>(DbContext db, string sql, Func<object, T> convert, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = Command(db, sql);
            var values = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                values.Add(convert(reader.GetValue(0)));
            }

            return values;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static DbCommand Command(DbContext db, string sql)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
