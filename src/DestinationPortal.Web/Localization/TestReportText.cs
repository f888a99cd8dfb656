namespace DestinationPortal.Web.Localization;

/// <summary>
/// The words of the live test report UI (the Test Connection panel, its stages, the elapsed time, Recent tests). Marker
/// type for <c>IStringLocalizer&lt;TestReportText&gt;</c>; texts in TestReportText.resx (English) and TestReportText.de.resx.
/// Stage, status and category words are Core's (<c>ConnectionTestWords.Describe()</c>).
/// </summary>
public sealed class TestReportText;
