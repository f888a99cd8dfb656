namespace DestinationPortal.Web.Localization;

/// <summary>
/// The API's human-readable problem texts (<c>title</c>, <c>detail</c>, the messages the API itself puts under
/// <c>errors</c>). Only these follow the caller's language: property names, enum values, problem types and status codes
/// never do (docs/api.md). Marker type for <c>IStringLocalizer&lt;ApiText&gt;</c>; texts in ApiText.resx and ApiText.de.resx.
/// </summary>
public sealed class ApiText;
