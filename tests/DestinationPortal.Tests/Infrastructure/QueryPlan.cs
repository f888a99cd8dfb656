using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Tests.Infrastructure;

/// <summary>SQLite's EXPLAIN QUERY PLAN for the SQL EF Core generates for a query, its parameters bound as EF would.</summary>
public static class QueryPlan
{
    public static async Task<string> ExplainAsync<T>(DbContext db, IQueryable<T> query)
    {
        // ToQueryString writes each parameter as a sqlite3 ".param set @name value" line before the statement.
        var lines = query.ToQueryString().Split('\n');
        var parameters = lines.Where(l => l.StartsWith(".param set ", StringComparison.Ordinal)).Select(l => l[".param set ".Length..].Trim().Split(' ', 2));
        var sql = string.Join('\n', lines.Where(l => !l.StartsWith(".param set ", StringComparison.Ordinal)));

        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter[0], long.TryParse(parameter[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : parameter[1].Trim('\''));
        }

        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        return string.Join('\n', plan);
    }
}
