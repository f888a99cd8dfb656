using System.ComponentModel.DataAnnotations;
using System.Globalization;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Web.Localization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Web.Access;

/// <summary>Request body of <c>POST /api/auth/tokens</c>.</summary>
public sealed record TokenRequest(
    [property: Required] string UserName,
    [property: Required] string Password,
    string? Name = null,
    int? ExpiresInDays = null);

/// <summary>Response of <c>POST /api/auth/tokens</c>: the token, shown this once.</summary>
public sealed record TokenResponse(Guid Id, string Name, string Token, DateTime ExpiresAtUtc);

public static class AccessEndpoints
{
    public const int DefaultTokenLifetimeDays = 30;

    public static IEndpointRouteBuilder MapPortalAccessEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // A form POST (antiforgery-checked), so another site cannot sign a user out, and a GET link cannot either.
        endpoints.MapPost("/account/signout", async (HttpContext context, SignInManager<PortalUser> signIn, AuditLog audit) =>
        {
            if (context.User.Identity?.IsAuthenticated == true)
            {
                await audit.WriteAsync(audit.Entry(AuditActions.SignOut));
            }

            // Asked before the cookie goes: whether the session came from the provider is one of its claims.
            var atProvider = await ExternalSignOut.AtProviderAsync(context);
            await signIn.SignOutAsync();
            return atProvider ? ExternalSignOut.SignOutAtProvider() : Results.LocalRedirect(PortalAccessServiceCollectionExtensions.SignInPath);
        }).DisableAntiforgery().AddEndpointFilter(RequireAntiforgery);

        endpoints.MapPost("/api/auth/tokens", IssueTokenAsync)
            .AllowAnonymous()
            .WithName("IssueToken")
            .WithSummary("Exchange a user name and password for a personal API token (for scripts).")
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status429TooManyRequests);

        endpoints.MapGet("/api/audit/export.csv", async (string? user, string? action, DateTime? from, DateTime? to, AuditTrail trail, CancellationToken cancellationToken) =>
        {
            var csv = await trail.ExportCsvAsync(new AuditQuery(user, action, ToUtc(from), ToUtc(to)), cancellationToken);
            var name = "audit-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + ".csv";
            return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", name);
        }).RequireAuthorization(PortalPolicies.ViewAudit);

        endpoints.MapPortalExternalSignIn();
        endpoints.MapPortalWindowsSignIn();
        return endpoints;
    }

    internal static DateTime? ToUtc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Utc } v => v,
        { Kind: DateTimeKind.Local } v => v.ToUniversalTime(),
        { } v => DateTime.SpecifyKind(v, DateTimeKind.Utc),
    };

    private static async Task<IResult> IssueTokenAsync(
        TokenRequest request,
        SignInCheck signIn,
        ApiTokenService tokens,
        IStringLocalizer<ApiText> text,
        Microsoft.Extensions.Options.IOptions<PortalAuthenticationOptions> authentication,
        Microsoft.Extensions.Options.IOptions<OidcSignInOptions> oidc,
        CancellationToken cancellationToken)
    {
        var lifetime = request.ExpiresInDays ?? DefaultTokenLifetimeDays;
        var name = string.IsNullOrWhiteSpace(request.Name) ? "script" : request.Name.Trim();
        var errors = new Dictionary<string, string[]>();
        if (lifetime is < 1 or > ApiTokenService.MaxLifetimeDays)
        {
            errors["expiresInDays"] = [text["Token.Lifetime", ApiTokenService.MaxLifetimeDays]];
        }

        if (ApiTokenService.NameProblem(name) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }

        if (string.IsNullOrWhiteSpace(request.UserName) || string.IsNullOrEmpty(request.Password))
        {
            errors["userName"] = [text["Token.Credentials"]];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: text["Problem.Validation.Title"]);
        }

        var check = await signIn.CheckAsync(request.UserName, request.Password, SignInPurpose.TokenRequest);
        if (check.User is not { } user)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: text["Token.NotSignedIn.Title"],
                detail: check.Refusal == SignInRefusal.MustChangePassword ? text["Token.MustChangePassword"]
                    // The same words for a right or a wrong password (SignInCheck decides before it looks at the password).
                    : authentication.Value.LocalSignIn == LocalSignIn.AdministratorsOnly ? text["Token.AdministratorsOnly", oidc.Value.DisplayName]
                    : text["Token.WrongCredentials"]);
        }

        var issued = await tokens.IssueAsync(user.Id, user.UserName!, name, lifetime, cancellationToken);
        return TypedResults.Ok(new TokenResponse(issued.Id, issued.Name, issued.Token, issued.ExpiresAtUtc));
    }

    internal static async ValueTask<object?> RequireAntiforgery(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var antiforgery = context.HttpContext.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>();
        if (!await antiforgery.IsRequestValidAsync(context.HttpContext))
        {
            return TypedResults.BadRequest();
        }

        return await next(context);
    }
}
