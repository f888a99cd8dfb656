using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DestinationPortal.Core.Persistence.Migrations
{
    /// <summary>
    /// Audit retention without giving up append-only: a DELETE on AuditEntries is refused unless the row is older than
    /// the cutoff in AuditPurgeWindow's one row, which is NULL except inside the retention job's own transaction
    /// (Auditing.AuditRetention), and which never reaches rows younger than a day. Kept out of the EF model on purpose,
    /// so no DbSet offers it to other code.
    /// </summary>
    public partial class AuditPurgeWindow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE AuditPurgeWindow (Id INTEGER NOT NULL PRIMARY KEY CHECK (Id = 1), CutoffUtc TEXT NULL);
                INSERT INTO AuditPurgeWindow (Id, CutoffUtc) VALUES (1, NULL);
                CREATE TRIGGER AuditPurgeWindow_NoInsert BEFORE INSERT ON AuditPurgeWindow BEGIN SELECT RAISE(ABORT, 'the audit purge window is one fixed row'); END;
                CREATE TRIGGER AuditPurgeWindow_NoDelete BEFORE DELETE ON AuditPurgeWindow BEGIN SELECT RAISE(ABORT, 'the audit purge window is one fixed row'); END;
                CREATE TRIGGER AuditPurgeWindow_NotRecent BEFORE UPDATE ON AuditPurgeWindow
                    WHEN NEW.CutoffUtc IS NOT NULL AND NEW.CutoffUtc > strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 day')
                    BEGIN SELECT RAISE(ABORT, 'an audit purge may only remove rows older than one day'); END;
                DROP TRIGGER AuditEntries_NoDelete;
                CREATE TRIGGER AuditEntries_NoDelete BEFORE DELETE ON AuditEntries
                    WHEN NOT COALESCE(OLD.AtUtc < (SELECT CutoffUtc FROM AuditPurgeWindow WHERE Id = 1), 0)
                    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER AuditEntries_NoDelete;
                CREATE TRIGGER AuditEntries_NoDelete BEFORE DELETE ON AuditEntries BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                DROP TABLE AuditPurgeWindow;
                """);
        }
    }
}
