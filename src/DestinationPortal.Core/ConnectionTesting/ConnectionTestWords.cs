using System.Globalization;
using System.Text;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// The words a person reads for each stage, status and category: the live report, the copied report, the history
/// and the audit trail all say these, never the enum names (which stay the API's JSON values). They follow the current
/// UI culture (a page renders them in the viewer's language), except <see cref="FailedOutcome"/>, which the audit trail
/// stores and therefore stays English.
/// </summary>
public static class ConnectionTestWords
{
    public static string Describe(this ConnectionTestStage stage) => Text(StageKey(stage));

    /// <summary>The stage's English words, for text that is stored language-neutral or still English.</summary>
    public static string DescribeInEnglish(this ConnectionTestStage stage) => ConnectionTestText.English(StageKey(stage));

    public static string Describe(this ConnectionTestStatus status) => Text(status switch
    {
        ConnectionTestStatus.Running or ConnectionTestStatus.Succeeded or ConnectionTestStatus.Warning
            or ConnectionTestStatus.Failed or ConnectionTestStatus.Skipped => "Status." + status,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    });

    public static string Describe(this ConnectionTestCategory category) => Text(CategoryKey(category));

    public static string Describe(this LastTestStatus status) => Text(status switch
    {
        LastTestStatus.NotTested or LastTestStatus.Passed or LastTestStatus.Failed
            or LastTestStatus.Cancelled or LastTestStatus.NotTestedSinceChange => "LastTest." + status,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    });

    /// <summary>
    /// A failed run's outcome in the audit trail: "Failed: TLS" or "Failed: Authentication (Permissions)". Always English,
    /// whoever ran the test: the audit trail is compared across users and exported. Rows written before this wording keep
    /// their old text ("Failed: Tls (Tls)"); nothing parses it.
    /// </summary>
    public static string FailedOutcome(ConnectionTestOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var stage = ConnectionTestText.English(StageKey(outcome.ProblemStage ?? ConnectionTestStage.Result));
        var category = outcome.Category is { } c ? ConnectionTestText.English(CategoryKey(c)) : null;
        return category is not null && category != stage
            ? string.Format(CultureInfo.InvariantCulture, FailedWithCategoryFormat.Value, stage, category)
            : string.Format(CultureInfo.InvariantCulture, FailedFormat.Value, stage);
    }

    /// <summary>What a socket error means, for messages that used to show the enum name ("HostNotFound").</summary>
    public static string Describe(this System.Net.Sockets.SocketError error) => error switch
    {
        System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.TryAgain
            or System.Net.Sockets.SocketError.NoData or System.Net.Sockets.SocketError.NoRecovery
            or System.Net.Sockets.SocketError.ConnectionRefused or System.Net.Sockets.SocketError.TimedOut
            or System.Net.Sockets.SocketError.HostUnreachable or System.Net.Sockets.SocketError.NetworkUnreachable
            or System.Net.Sockets.SocketError.ConnectionReset or System.Net.Sockets.SocketError.ConnectionAborted
            or System.Net.Sockets.SocketError.AddressNotAvailable => Text("Socket." + error),
        _ => ConnectionTestText.Localizer["Socket.Other", (int)error].Value,
    };

    private static readonly Lazy<CompositeFormat> FailedFormat = new(() => CompositeFormat.Parse(ConnectionTestText.English("Outcome.Failed")));

    private static readonly Lazy<CompositeFormat> FailedWithCategoryFormat =
        new(() => CompositeFormat.Parse(ConnectionTestText.English("Outcome.FailedWithCategory")));

    private static string StageKey(ConnectionTestStage stage) => stage switch
    {
        ConnectionTestStage.NameResolution or ConnectionTestStage.TcpConnection or ConnectionTestStage.Tls
            or ConnectionTestStage.Authentication or ConnectionTestStage.Database or ConnectionTestStage.Result => "Stage." + stage,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };

    private static string CategoryKey(ConnectionTestCategory category) =>
        Enum.IsDefined(category) ? "Category." + category : throw new ArgumentOutOfRangeException(nameof(category), category, null);

    private static string Text(string key) => ConnectionTestText.Localizer[key].Value;
}
