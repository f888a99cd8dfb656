using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DestinationPortal.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class LastTestSortIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Destinations_UpdatedAtUtc",
                table: "Destinations");

            migrationBuilder.CreateIndex(
                name: "IX_Destinations_TlsMode_Id",
                table: "Destinations",
                columns: new[] { "TlsMode", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Destinations_TypeId_Id",
                table: "Destinations",
                columns: new[] { "TypeId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Destinations_UpdatedAtUtc_Id",
                table: "Destinations",
                columns: new[] { "UpdatedAtUtc", "Id" });

            // The last test sort (DestinationListing.Sort: never tested first, then the time, then Id), as the query
            // writes it, so SQLite reads it in index order. EF's model has no expression indexes; same SQL for PostgreSQL.
            migrationBuilder.Sql("""CREATE INDEX "IX_Destinations_LastTestOrder" ON "Destinations" ("LastTestAtUtc" IS NOT NULL, "LastTestAtUtc", "Id");""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX "IX_Destinations_LastTestOrder";""");

            migrationBuilder.DropIndex(
                name: "IX_Destinations_TlsMode_Id",
                table: "Destinations");

            migrationBuilder.DropIndex(
                name: "IX_Destinations_TypeId_Id",
                table: "Destinations");

            migrationBuilder.DropIndex(
                name: "IX_Destinations_UpdatedAtUtc_Id",
                table: "Destinations");

            migrationBuilder.CreateIndex(
                name: "IX_Destinations_UpdatedAtUtc",
                table: "Destinations",
                column: "UpdatedAtUtc");
        }
    }
}
