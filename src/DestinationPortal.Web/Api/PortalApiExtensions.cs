using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Web.Access;
using Microsoft.OpenApi;

namespace DestinationPortal.Web.Api;

/// <summary>The REST API under <c>/api</c> and its OpenAPI document. Contract: docs/api.md.</summary>
public static class PortalApiExtensions
{
    public const string OpenApiPath = "/openapi/v1.json";

    public static IServiceCollection AddPortalApi(this IServiceCollection services)
    {
        // Enums travel by name, as on the hub; numbers for enums are refused.
        services.ConfigureHttpJsonOptions(options => DestinationJson.Configure(options.SerializerOptions));
        services.AddSingleton<IFirstUseWarmUpStep, ApiSerializerWarmUp>();

        // Binding failures throw (in every environment) so ApiExceptionHandler can say which property is wrong and why;
        // the framework's own answer is an empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddProblemDetails(options => options.CustomizeProblemDetails = ApiCulture.LocalizeFrameworkTitles);
        services.AddExceptionHandler<ApiExceptionHandler>();

        services.AddOpenApi(options =>
        {
            // The document describes the API, not the pages or the sign-out form.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            // The schema generator knows the framework's enum converter, not StrictEnumConverter: say here what that accepts.
            options.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonTypeInfo.Type.IsEnum)
                {
                    schema.Type = JsonSchemaType.String;
                    schema.Enum = [.. Enum.GetNames(context.JsonTypeInfo.Type).Select(name => (System.Text.Json.Nodes.JsonNode)name)];
                }

                return Task.CompletedTask;
            });
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Destination Portal API",
                    Version = "v1",
                    Description = "Destinations, Test Connection, export and import. Authenticate with Authorization: Bearer <token> "
                        + "(POST /api/auth/tokens issues one). Errors are RFC 7807 problem details. See docs/api.md.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A personal API token (dpt_…) from POST /api/auth/tokens or the API tokens page.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>Problem details for <c>/api</c>: exceptions (see <see cref="ApiExceptionHandler"/>) and bare status codes (401, 403, 404, 405).</summary>
    public static IApplicationBuilder UsePortalApiErrors(this IApplicationBuilder app) => app.UseWhen(
        context => context.Request.Path.StartsWithSegments("/api"),
        api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages();
        });

    public static IEndpointRouteBuilder MapPortalApi(this IEndpointRouteBuilder endpoints)
    {
        // Every role may read; what a role may change is decided by the services (which audit a refusal), not here.
        var destinations = endpoints.MapGroup("/api/destinations")
            .WithTags("Destinations")
            .RequireAuthorization(PortalPolicies.ViewDestinations)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        destinations.MapDestinationEndpoints();
        destinations.MapConnectionTestEndpoints();
        destinations.MapTransferEndpoints();

        // Signed-in users only, like everything but sign-in and health: the document is for people and scripts that have a
        // token anyway, and nothing about the portal needs to be readable before sign-in.
        endpoints.MapOpenApi(OpenApiPath).RequireAuthorization();
        return endpoints;
    }
}
