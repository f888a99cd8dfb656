using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DestinationPortal.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class LastTestStatus : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LastTestStatus",
                table: "Destinations",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "NotTested");

            // The status the old columns meant: a run that was cancelled was stored as not succeeded, so the latest
            // run of the stored definition tells Cancelled from Failed; a cancelled run has no yes/no answer.
            migrationBuilder.Sql("""
                UPDATE Destinations SET LastTestStatus = CASE
                    WHEN LastTestSucceeded = 1 THEN 'Passed'
                    WHEN LastTestSucceeded = 0 AND (
                        SELECT r.Category FROM TestRuns r
                        WHERE r.DestinationId = Destinations.Id AND r.TestedUnsavedChanges = 0
                        ORDER BY r.StartedAtUtc DESC LIMIT 1) = 'Cancelled' THEN 'Cancelled'
                    WHEN LastTestSucceeded = 0 THEN 'Failed'
                    ELSE 'NotTested' END;
                UPDATE Destinations SET LastTestSucceeded = NULL WHERE LastTestStatus = 'Cancelled';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastTestStatus",
                table: "Destinations");
        }
    }
}
