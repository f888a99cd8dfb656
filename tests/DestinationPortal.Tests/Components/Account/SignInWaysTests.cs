using Bunit;
using DestinationPortal.Core.Access;
using DestinationPortal.Tests.Infrastructure;
using DestinationPortal.Tests.Localization;
using DestinationPortal.Web.Access;
using DestinationPortal.Web.Components.Account;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Tests.Components.Account;

/// <summary>The sign-in page's ways in: the company's sign-in first when configured, each named; the password form titled by who may use it.</summary>
public sealed class SignInWaysTests : PortalBunitContext
{
    public SignInWaysTests()
        : base(services => services.AddAccountPageServices())
    {
    }

    [Fact]
    public void NothingConfigured_OnlyThePasswordForm_Untitled_AsBefore()
    {
        var cut = Render<SignIn>();

        var form = Assert.Single(cut.FindAll("form"));
        Assert.NotNull(form.QuerySelector("#username"));
        Assert.Empty(cut.FindAll("h2"));
        Assert.DoesNotContain("Sign in with", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void CompanySignInConfigured_ComesFirst_NamedByItsDisplayName_ThenThePortalAccountForm()
    {
        ConfigureCompanySignIn();

        var cut = Render<SignIn>();

        var forms = cut.FindAll("form");
        Assert.Equal(2, forms.Count);
        Assert.StartsWith(ExternalSignIn.ChallengePath, forms[0].GetAttribute("action"), StringComparison.Ordinal);
        Assert.Equal("Sign in with Contoso ID", forms[0].QuerySelector("button")!.TextContent);
        Assert.NotNull(forms[1].QuerySelector("#username"));
        Assert.Equal("Portal account", cut.Find("h2").TextContent);
    }

    [Fact]
    public void AdministratorsOnly_TitlesTheFormAsTheBreakGlassAccount_AndARefusalNamesTheCompanySignIn()
    {
        ConfigureCompanySignIn();
        Services.GetRequiredService<IOptions<PortalAuthenticationOptions>>().Value.LocalSignIn = LocalSignIn.AdministratorsOnly;

        var cut = Render<SignIn>();
        cut.Find("#username").Change("nobody");
        cut.Find("#password").Change("a wrong guess");
        cut.Find("#username").Closest("form")!.Submit();

        cut.WaitForAssertion(() => Assert.EndsWith("Everyone else: use “Sign in with Contoso ID”.", cut.Find("[role=alert]").TextContent, StringComparison.Ordinal));
        Assert.Equal("Administrator break-glass account", cut.Find("h2").TextContent);
        Assert.Contains("for when the company sign-in is unavailable", cut.Markup, StringComparison.Ordinal);
        Assert.StartsWith(ExternalSignIn.ChallengePath, cut.FindAll("form")[0].GetAttribute("action"), StringComparison.Ordinal);
    }

    // Options are read once per app; the page reads this instance, so setting it before the first render configures it.
    private void ConfigureCompanySignIn()
    {
        var oidc = Services.GetRequiredService<IOptions<OidcSignInOptions>>().Value;
        oidc.Authority = "https://login.example.test/tenant/v2.0";
        oidc.ClientId = "portal";
        oidc.DisplayName = "Contoso ID";
    }
}
