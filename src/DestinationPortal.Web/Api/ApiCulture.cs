using System.Globalization;
using DestinationPortal.Web.Localization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Web.Api;

/// <summary>
/// The exception handler and the status-code pages wrap the whole /api pipeline, so they write their problems after
/// RequestLocalization has returned, in the culture the request started with. These put the request's own culture
/// (the token owner's language, else Accept-Language: <see cref="PortalCultureProvider"/>) back before any text is chosen.
/// </summary>
internal static class ApiCulture
{
    // The framework's own English titles (ProblemDetailsDefaults, HttpValidationProblemDetails): replaced only when a
    // problem still carries one, so a title an endpoint chose is never touched.
    private static readonly Dictionary<int, string> FrameworkTitles = new()
    {
        [StatusCodes.Status400BadRequest] = "Bad Request",
        [StatusCodes.Status401Unauthorized] = "Unauthorized",
        [StatusCodes.Status403Forbidden] = "Forbidden",
        [StatusCodes.Status404NotFound] = "Not Found",
        [StatusCodes.Status405MethodNotAllowed] = "Method Not Allowed",
        [StatusCodes.Status406NotAcceptable] = "Not Acceptable",
        [StatusCodes.Status409Conflict] = "Conflict",
        [StatusCodes.Status412PreconditionFailed] = "Precondition Failed",
        [StatusCodes.Status415UnsupportedMediaType] = "Unsupported Media Type",
        [StatusCodes.Status422UnprocessableEntity] = "Unprocessable Entity",
        [StatusCodes.Status500InternalServerError] = "An error occurred while processing your request.",
    };

    private const string FrameworkValidationTitle = "One or more validation errors occurred.";

    public static void UseRequestCulture(HttpContext context)
    {
        if (context.Features.Get<IRequestCultureFeature>()?.RequestCulture is { } culture)
        {
            CultureInfo.CurrentCulture = culture.Culture;
            CultureInfo.CurrentUICulture = culture.UICulture;
        }
    }

    /// <summary><see cref="ProblemDetailsOptions.CustomizeProblemDetails"/>: the framework's default titles in the request's language.</summary>
    public static void LocalizeFrameworkTitles(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (!context.HttpContext.Request.Path.StartsWithSegments("/api") || problem.Title is null)
        {
            return;
        }

        var key = problem.Title == FrameworkValidationTitle ? "Problem.Validation.Title"
            : problem.Status is { } status && FrameworkTitles.GetValueOrDefault(status) == problem.Title ? "Status." + status.ToString(CultureInfo.InvariantCulture)
            : null;
        if (key is not null)
        {
            UseRequestCulture(context.HttpContext);
            problem.Title = context.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<ApiText>>()[key];
        }
    }
}
