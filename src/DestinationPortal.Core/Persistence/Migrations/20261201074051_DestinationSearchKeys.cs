using DestinationPortal.Core.Destinations;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DestinationPortal.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DestinationSearchKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DatabaseKey",
                table: "Destinations",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "NameKey",
                table: "Destinations",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ServerNameKey",
                table: "Destinations",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            // Existing rows get their keys from the same C# that folds every later write (SearchKey.For, registered on
            // the connection by SearchKeyFunction): SQLite's own lower() folds ASCII only and knows no accents.
            // A script from "dotnet ef migrations script" run in sqlite3 stops here with "no such function".
            migrationBuilder.Sql($"UPDATE Destinations SET NameKey = {SearchKey.SqlFunctionName}(Name), ServerNameKey = {SearchKey.SqlFunctionName}(ServerName), DatabaseKey = {SearchKey.SqlFunctionName}(Database);");

            migrationBuilder.CreateIndex(
                name: "IX_Destinations_DatabaseKey_Id",
                table: "Destinations",
                columns: new[] { "DatabaseKey", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Destinations_NameKey_Id",
                table: "Destinations",
                columns: new[] { "NameKey", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Destinations_ServerNameKey_Port_Id",
                table: "Destinations",
                columns: new[] { "ServerNameKey", "Port", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Destinations_DatabaseKey_Id",
                table: "Destinations");

            migrationBuilder.DropIndex(
                name: "IX_Destinations_NameKey_Id",
                table: "Destinations");

            migrationBuilder.DropIndex(
                name: "IX_Destinations_ServerNameKey_Port_Id",
                table: "Destinations");

            migrationBuilder.DropColumn(
                name: "DatabaseKey",
                table: "Destinations");

            migrationBuilder.DropColumn(
                name: "NameKey",
                table: "Destinations");

            migrationBuilder.DropColumn(
                name: "ServerNameKey",
                table: "Destinations");
        }
    }
}
