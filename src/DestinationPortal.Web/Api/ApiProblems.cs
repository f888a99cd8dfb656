using System.Text.Json;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Destinations;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace DestinationPortal.Web.Api;

/// <summary>RFC 7807 answers the API gives, in one place so every endpoint words them alike.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No destination has the id {id} (it may have been deleted).");

    /// <summary>400 with the validator's messages, keyed by the JSON property they belong to.</summary>
    public static ValidationProblem Invalid(IEnumerable<FieldError> errors) =>
        TypedResults.ValidationProblem(Errors(errors), title: "The destination is not valid.", detail: "Correct the properties listed in errors.");

    /// <summary>409: the name belongs to another destination. The Name message is kept under errors.name, as in a 400.</summary>
    public static ProblemHttpResult NameTaken(IEnumerable<FieldError> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(Errors(errors))
        {
            Status = StatusCodes.Status409Conflict,
            Title = "A destination with this name already exists.",
            Detail = errors.FirstOrDefault()?.Message,
        });

    public static IResult SaveFailed(SaveResult result) =>
        result.NameTaken ? NameTaken(result.FieldErrors) : Invalid(result.FieldErrors);

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
internal sealed class ApiExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!httpContext.Request.Path.StartsWithSegments("/api"))
        {
            return false;
        }

        ProblemDetails? problem = exception switch
        {
            PortalAccessDeniedException denied => new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Forbidden",
                Detail = denied.Message,
            },
            BadHttpRequestException { InnerException: JsonException json } when json.InnerException is not JsonException => Conversion(httpContext, json),
            BadHttpRequestException { InnerException: JsonException json } => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The body is not valid JSON.",
                Detail = $"The JSON breaks off or is malformed at line {(json.LineNumber ?? 0) + 1}, byte {(json.BytePositionInLine ?? 0) + 1}.",
            },
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                    StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
                    _ => "The request could not be read.",
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
    private static HttpValidationProblemDetails Conversion(HttpContext httpContext, JsonException json)
    {
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        var bodyType = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType ?? typeof(object);
        var (key, message) = DestinationJson.DescribeConversionError(bodyType, json);
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [key.Length == 0 ? "$" : key] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The body has a value of the wrong type.",
            Detail = message,
        };
    }
}
