using System.Text.RegularExpressions;
using DestinationPortal.IntegrationTests.Hosting;

namespace DestinationPortal.IntegrationTests.Access;

/// <summary>The first-run setup page as a browser submits it, and the log line that carries the one-time token.</summary>
public static partial class SetupForm
{
    public const string UserName = "root-admin";

    /// <summary>Submits the setup form with <paramref name="token"/> and a valid new administrator.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string token)
    {
        var page = await client.GetStringAsync("/account/setup");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PortalApp.AntiforgeryToken(page),
            ["_handler"] = "setup",
            ["Form.SetupToken"] = token,
            ["Form.UserName"] = UserName,
            ["Form.Password"] = "root admin passphrase",
            ["Form.ConfirmPassword"] = "root admin passphrase",
        });
        return await client.PostAsync("/account/setup", form);
    }

    [GeneratedRegex("one-time setup token: ([A-Z0-9]{24})")]
    public static partial Regex TokenInLog();
}
