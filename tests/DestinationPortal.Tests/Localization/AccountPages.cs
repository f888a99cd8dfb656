using DestinationPortal.Core.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.Tests.Localization;

/// <summary>What the account pages need beyond Core to render in bUnit: the sign-in manager they inject (never used to sign anyone in here).</summary>
internal static class AccountPages
{
    public static IServiceCollection AddAccountPageServices(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddAuthentication();
        new IdentityBuilder(typeof(PortalUser), services).AddSignInManager();
        return services;
    }
}
