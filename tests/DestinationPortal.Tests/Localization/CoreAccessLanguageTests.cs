using System.Globalization;
using DestinationPortal.Core;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using DestinationPortal.TestSupport;
using DestinationPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.Tests.Localization;

/// <summary>
/// User names, passwords (Identity's own errors), tokens, refused actions and user administration speak the reader's
/// language; the audit rows they write and the operator's console texts stay English.
/// </summary>
public sealed class CoreAccessLanguageTests : IDisposable
{
    private readonly TestPortal _portal = new();

    public void Dispose() => _portal.Dispose();

    [Fact]
    public void UserNameRule_InGerman_IsGerman_InEnglish_Unchanged()
    {
        using (UiCulture.Use("de-DE"))
        {
            Assert.Equal("Geben Sie einen Benutzernamen ein.", UserNameRule.Problem(" "));
            Assert.Equal("Verwenden Sie nur Buchstaben, Ziffern und . _ - @.", UserNameRule.Problem("a b"));
        }

        using (UiCulture.Use("en"))
        {
            Assert.Equal("Enter a user name.", UserNameRule.Problem(" "));
            Assert.Equal("A user name is at most 64 characters.", UserNameRule.Problem(new string('a', 65)));
        }
    }

    [Fact]
    public async Task CreateUser_ShortPasswordInGerman_IdentitySaysSoInGerman_WithItsOwnCode()
    {
        using var session = _portal.Start();
        var users = session.Get<UserManager<PortalUser>>();

        IdentityResult german;
        using (UiCulture.Use("de-DE"))
        {
            german = await users.CreateAsync(new PortalUser { UserName = "bob" }, "short");
        }

        IdentityResult english;
        using (UiCulture.Use("en-US"))
        {
            english = await users.CreateAsync(new PortalUser { UserName = "bob" }, "short");
        }

        Assert.Equal("Kennwörter müssen mindestens 12 Zeichen lang sein.", german.Errors.Single(e => e.Code == "PasswordTooShort").Description);
        Assert.Equal("Passwords must be at least 12 characters.", english.Errors.Single(e => e.Code == "PasswordTooShort").Description);
    }

    public static TheoryData<string> DescriberMethods() =>
        [.. typeof(PortalIdentityErrorDescriber).GetMethods().Where(m => m.DeclaringType == typeof(PortalIdentityErrorDescriber)).Select(m => m.Name)];

    [Theory]
    [MemberData(nameof(DescriberMethods))]
    public void IdentityErrorDescriber_EnglishIsIdentitysOwn_GermanIsGerman(string method)
    {
        var portal = new PortalIdentityErrorDescriber();
        var identity = new IdentityErrorDescriber();
        var describe = typeof(IdentityErrorDescriber).GetMethod(method)!;
        object?[] arguments = [.. describe.GetParameters().Select(p => p.ParameterType == typeof(int) ? 12 : (object)"x")];

        IdentityError english, german;
        using (UiCulture.Use("en"))
        {
            english = (IdentityError)describe.Invoke(portal, arguments)!;
            var original = (IdentityError)describe.Invoke(identity, arguments)!;
            Assert.Equal((original.Code, original.Description), (english.Code, english.Description));
        }

        using (UiCulture.Use("de-DE"))
        {
            german = (IdentityError)describe.Invoke(portal, arguments)!;
        }

        Assert.Equal(english.Code, german.Code);
        Assert.NotEqual(english.Description, german.Description);
    }

    [Fact]
    public async Task RefusedActionInGerman_SaysSoInGerman_AuditRowStaysEnglish()
    {
        _portal.User.Role = PortalRole.Viewer;
        using var session = _portal.Start();

        PortalAccessDeniedException denied;
        using (UiCulture.Use("de-DE"))
        {
            denied = await Assert.ThrowsAsync<PortalAccessDeniedException>(() => session.Get<DestinationService>().CreateAsync(PortalBunitContext.ValidInput()));
        }

        Assert.Equal("Ihre Rolle erlaubt nicht, Destinations anzulegen.", denied.Message);
        await using var db = await session.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var row = await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.AccessDenied);
        Assert.Equal("creating destinations requires EditDestinations; role Viewer", row.Details);
    }

    [Fact]
    public void EveryActionTheServicesDemand_HasASentenceInBothLanguages()
    {
        foreach (var action in PortalAccessDeniedException.KnownActions)
        {
            using (UiCulture.Use("en"))
            {
                Assert.Equal($"Your role does not allow {action}.", new PortalAccessDeniedException(PortalCapability.ViewDestinations, action).Message);
            }

            using (UiCulture.Use("de-DE"))
            {
                Assert.StartsWith("Ihre Rolle erlaubt nicht, ", new PortalAccessDeniedException(PortalCapability.ViewDestinations, action).Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task DemotingTheLastAdministratorInGerman_IsRefusedInGerman()
    {
        using var session = _portal.Start();
        var administration = session.Get<UserAdministration>();
        var created = await administration.CreateAsync("root", PortalRole.Administrator);

        UserChangeResult refused;
        using (UiCulture.Use("de-DE"))
        {
            refused = await administration.ChangeRoleAsync(created.UserId!, PortalRole.Viewer);
        }

        Assert.Equal("Der letzte Administrator kann nicht herabgestuft werden. Machen Sie zuerst einen anderen Benutzer zum Administrator.", refused.Error);
    }

    [Fact]
    public async Task Setup_WrongTokenInGerman_IsRefusedInGerman()
    {
        using var session = _portal.Start();

        UserChangeResult refused;
        using (UiCulture.Use("de-DE"))
        {
            refused = await session.Get<FirstAdministrator>().CompleteSetupAsync("wrong", "root", "a long enough password", "192.0.2.10");
        }

        Assert.StartsWith("Dieses Setup-Token ist ungültig.", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstAdministratorFromConfiguration_OnAGermanServer_TellsTheOperatorInEnglish()
    {
        var services = new ServiceCollection();
        services.AddPortalCoreForTests(
        [
            new("Portal:DataDirectory", _portal.DataDirectory), new("Portal:Admin:UserName", "root"), new("Portal:Admin:Password", "short"),
        ]);
        services.AddSingleton<ICurrentUser>(new TestCurrentUser());
        await using var provider = services.BuildServiceProvider();

        using var _ = UiCulture.Use("de-DE");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetRequiredService<FirstAdministrator>().InitializeAsync());

        Assert.Contains("Passwords must be at least 12 characters.", refused.Message, StringComparison.Ordinal);
        // The operator's culture belongs to that call; the caller's is untouched.
        Assert.Equal("de-DE", CultureInfo.CurrentUICulture.Name);
    }

    [Fact]
    public void TokenName_InGerman_IsGerman()
    {
        using var _ = UiCulture.Use("de-DE");

        Assert.Equal("Ein Token-Name hat 1 bis 100 Zeichen.", ApiTokenService.NameProblem(" "));
        Assert.StartsWith("Token-Name darf keine unsichtbaren Zeichen enthalten", ApiTokenService.NameProblem("ci\u200B"), StringComparison.Ordinal);
    }
}
