using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DestinationPortal.Persistence.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class TestLeasesAndSetupToken : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Outside the EF model on purpose: only SQL touches these tables (PostgresConnectionTestGate, StoredSetupTokens),
            // and SQLite, a single instance, keeps both in process memory.
            migrationBuilder.Sql("""
                CREATE TABLE "TestLeases" (
                    "Id" uuid PRIMARY KEY,
                    "UserName" text NOT NULL,
                    "ExpiresAt" timestamptz NOT NULL
                );
                CREATE TABLE "SetupToken" (
                    "Id" integer PRIMARY KEY CHECK ("Id" = 1),
                    "TokenHash" bytea NOT NULL CHECK (length("TokenHash") = 32),
                    "CreatedAt" timestamptz NOT NULL
                );
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE "SetupToken";
                DROP TABLE "TestLeases";
                """);
        }
    }
}
