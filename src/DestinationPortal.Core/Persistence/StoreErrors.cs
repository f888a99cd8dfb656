using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DestinationPortal.Core.Persistence;

/// <summary>What a failed save means, whichever database the store is.</summary>
public static class StoreErrors
{
    // SQLITE_CONSTRAINT_UNIQUE, the extended code SQLite reports for a UNIQUE constraint failure.
    private const int SqliteUniqueViolation = 2067;

    /// <summary>The save broke a unique index (a name someone else took meanwhile).</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException { SqliteExtendedErrorCode: SqliteUniqueViolation } => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        _ => false,
    };
}
