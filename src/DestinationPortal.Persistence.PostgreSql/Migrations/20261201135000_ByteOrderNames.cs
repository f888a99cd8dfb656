using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DestinationPortal.Persistence.PostgreSql.Migrations
{
    /// <summary>
    /// The names the portal sorts without a search key (export by destination name, the user list, the audit trail's
    /// user filter) compare byte by byte, as SQLite's BINARY does, whatever collation the operator's database was made
    /// with. Equality is unchanged (both are deterministic), so the unique indexes keep what they hold.
    /// </summary>
    public partial class ByteOrderNames : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE "Destinations" ALTER COLUMN "NormalizedName" TYPE character varying(100) COLLATE "C";
                ALTER TABLE "AspNetUsers" ALTER COLUMN "NormalizedUserName" TYPE character varying(256) COLLATE "C";
                ALTER TABLE "AuditEntries" ALTER COLUMN "UserName" TYPE character varying(256) COLLATE "C";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE "Destinations" ALTER COLUMN "NormalizedName" TYPE character varying(100) COLLATE "default";
                ALTER TABLE "AspNetUsers" ALTER COLUMN "NormalizedUserName" TYPE character varying(256) COLLATE "default";
                ALTER TABLE "AuditEntries" ALTER COLUMN "UserName" TYPE character varying(256) COLLATE "default";
                """);
        }
    }
}
