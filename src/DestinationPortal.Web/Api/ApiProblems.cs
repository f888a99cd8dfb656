using System.Text.Json;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Web.Localization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Web.Api;

/// <summary>
/// RFC 7807 answers the API gives, in one place so every endpoint words them alike. Titles and details are in the
/// request's language (<see cref="ApiText"/>); status, type and the keys under errors never change with it.
/// </summary>
internal static class ApiProblems
{
    public static ProblemHttpResult NotFound(IStringLocalizer<ApiText> text, Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: text["Problem.NotFound.Title"], detail: text["Problem.NotFound.Detail", id]);

    /// <summary>400 with the validator's messages, keyed by the JSON property they belong to.</summary>
    public static ValidationProblem Invalid(IStringLocalizer<ApiText> text, IEnumerable<FieldError> errors) =>
        TypedResults.ValidationProblem(Errors(errors), title: text["Problem.Invalid.Title"], detail: text["Problem.Invalid.Detail"]);

    /// <summary>409: the name belongs to another destination. The Name message is kept under errors.name, as in a 400.</summary>
    public static ProblemHttpResult NameTaken(IStringLocalizer<ApiText> text, IEnumerable<FieldError> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(Errors(errors))
        {
            Status = StatusCodes.Status409Conflict,
            Title = text["Problem.NameTaken.Title"],
            Detail = errors.FirstOrDefault()?.Message,
        });

    public static IResult SaveFailed(IStringLocalizer<ApiText> text, SaveResult result) =>
        result.NameTaken ? NameTaken(text, result.FieldErrors) : Invalid(text, result.FieldErrors);

    public static Dictionary<string, string[]> Errors(IEnumerable<FieldError> errors) =>
        errors.GroupBy(e => DestinationJson.PropertyName(e.Field))
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).Distinct().ToArray());
}

/// <summary>
/// Turns the exceptions an <c>/api</c> request can end with into problem details: a role that does not allow the
/// action (already audited by the service) → 403; a body or parameter that does not bind (wrong JSON type, not JSON,
/// too large) → 400/413/415 naming the property and what it must be. Anything else stays a 500 without details.
/// Pages keep their own error page.
/// </summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problemDetails, IStringLocalizer<ApiText> text) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!httpContext.Request.Path.StartsWithSegments("/api"))
        {
            return false;
        }

        ApiCulture.UseRequestCulture(httpContext);

        ProblemDetails? problem = exception switch
        {
            PortalAccessDeniedException denied => new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = text["Problem.Forbidden.Title"],
                Detail = text["Problem.Forbidden." + denied.Permission],
            },
            BadHttpRequestException { InnerException: JsonException json } when json.InnerException is not JsonException => Conversion(httpContext, json),
            BadHttpRequestException { InnerException: JsonException json } => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = text["Problem.InvalidJson.Title"],
                Detail = text["Problem.InvalidJson.Detail", (json.LineNumber ?? 0) + 1, (json.BytePositionInLine ?? 0) + 1],
            },
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => text["Problem.TooLarge.Title"],
                    StatusCodes.Status415UnsupportedMediaType => text["Problem.SendJson.Title"],
                    _ => text["Problem.Unreadable.Title"],
                },
                Detail = bad.Message,
            },
            _ => null,
        };

        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    // "port must be a whole number.": the property from the exception's JSON path, what it must be from the body's type.
    private HttpValidationProblemDetails Conversion(HttpContext httpContext, JsonException json)
    {
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        var bodyType = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType ?? typeof(object);
        var (key, message) = DestinationJson.DescribeConversionError(bodyType, json);
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [key.Length == 0 ? "$" : key] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = text["Problem.WrongType.Title"],
            Detail = message,
        };
    }
}
