using System.Net;
using System.Net.Security;
using System.Runtime.InteropServices;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Web.Components.Account;
using DestinationPortal.Web.Localization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Web.Access;

/// <summary>
/// Windows single sign-on (decision 53): <c>GET /account/windows</c> answers a browser without credentials with a
/// Negotiate challenge, verifies the Kerberos ticket the browser then sends against the portal's keytab (GSSAPI through
/// .NET's <see cref="NegotiateAuthentication"/>), maps the principal to a user (<see cref="WindowsAccounts"/>) and issues
/// the portal's own session cookie. Only Kerberos signs in: an NTLM token, or any exchange that would need a second
/// round trip (Kerberos completes in one), is refused.
/// </summary>
public static class WindowsSignIn
{
    public const string ChallengePath = "/account/windows";

    /// <summary>The sign-in page's query when the browser could not sign in with Windows: it says so beside the button.</summary>
    public const string UnavailableQuery = "windows=unavailable";

    private const string Scheme = "Negotiate";

    // What every NTLM message starts with; inside SPNEGO it is refused by the package check after GSSAPI.
    private static ReadOnlySpan<byte> NtlmSignature => "NTLMSSP\0"u8;

    internal static IServiceCollection AddPortalWindowsSignIn(this IServiceCollection services)
    {
        services.AddOptions<WindowsSignInOptions>()
            .BindConfiguration(WindowsSignInOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddScoped<WindowsAccounts>();
        return services;
    }

    internal static IEndpointRouteBuilder MapPortalWindowsSignIn(this IEndpointRouteBuilder endpoints)
    {
        var settings = endpoints.ServiceProvider.GetRequiredService<IOptions<WindowsSignInOptions>>().Value;
        if (settings.Enabled)
        {
            UseKeytab(settings, endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WindowsSignIn)));
        }

        endpoints.MapGet(ChallengePath, SignInAsync).AllowAnonymous();
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(
        HttpContext context,
        IOptions<WindowsSignInOptions> settings,
        WindowsAccounts accounts,
        SignInCheck check,
        SignInManager<PortalUser> signIn,
        AuditLog audit,
        IStringLocalizer<AccountText> text,
        string? returnUrl)
    {
        if (!settings.Value.Enabled)
        {
            return Results.NotFound();
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith(Scheme + " ", StringComparison.OrdinalIgnoreCase))
        {
            // The challenge. A browser with a ticket for HTTP/<host> answers it at once; one without shows this body,
            // which moves on to the sign-in page: no credential prompt, no loop.
            context.Response.Headers.WWWAuthenticate = Scheme;
            return Fallback(text, returnUrl);
        }

        var principal = await VerifyAsync(authorization[(Scheme.Length + 1)..].Trim(), context, audit);
        if (principal is null)
        {
            // No new challenge: asked again, a browser could fall back to asking the person for a password.
            return Fallback(text, returnUrl);
        }

        var result = await accounts.ResolveAsync(principal);
        if (result.User is not { } user)
        {
            return Results.LocalRedirect($"{ExternalSignIn.RefusedPath}?reason={result.Refusal}");
        }

        await check.RecordSignInAsync(user, $"via Windows (Kerberos) as {principal}" + (result.Linked ? ", linked to this user at its first sign-in" : ""));
        await signIn.SignInAsync(user, isPersistent: false);
        return ExternalSignIn.SameSiteHop(text, returnUrl);
    }

    /// <summary>The principal the token proves, or null (audited) when it proves none by Kerberos.</summary>
    private static async Task<string?> VerifyAsync(string header, HttpContext context, AuditLog audit)
    {
        var token = new byte[header.Length];
        if (!Convert.TryFromBase64String(header, token, out var length) || length == 0)
        {
            return await RefuseAsync(audit, "the Negotiate token is not base64");
        }

        if (token.AsSpan(0, length).StartsWith(NtlmSignature))
        {
            return await RefuseAsync(audit, "the browser offered NTLM; only Kerberos is accepted");
        }

        // The acceptor's credentials are the keytab's (KRB5_KTNAME); no state is kept between requests, so an exchange
        // that needs another round (NTLM inside SPNEGO, a mechanism list without Kerberos) ends here.
        using var negotiate = new NegotiateAuthentication(new NegotiateAuthenticationServerOptions { Package = Scheme });
        var reply = negotiate.GetOutgoingBlob(token.AsSpan(0, length), out var status);
        if (status != NegotiateAuthenticationStatusCode.Completed || !negotiate.IsAuthenticated
            || !string.Equals(negotiate.Package, "Kerberos", StringComparison.Ordinal)
            || negotiate.RemoteIdentity.Name is not { Length: > 0 } principal)
        {
            return await RefuseAsync(audit, $"Negotiate ended with {status} (package {negotiate.Package})");
        }

        if (reply is { Length: > 0 })
        {
            // Mutual authentication: the client may check that it spoke to the holder of HTTP/<host>'s key.
            context.Response.Headers.WWWAuthenticate = $"{Scheme} {Convert.ToBase64String(reply)}";
        }

        return principal;
    }

    private static async Task<string?> RefuseAsync(AuditLog audit, string reason)
    {
        await audit.WriteAsync(audit.Entry(AuditActions.SignInFailed, AuditOutcomes.Denied, details: "Windows sign-in refused: " + reason));
        return null;
    }

    private static IResult Fallback(IStringLocalizer<AccountText> text, string? returnUrl)
    {
        var target = WebUtility.HtmlEncode($"{PortalAccessServiceCollectionExtensions.SignInPath}?{UnavailableQuery}&returnUrl={Uri.EscapeDataString(ReturnUrls.Safe(returnUrl))}");
        var html = $"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={target}"><title>Destination Portal</title></head>
            <body><p><a href="{target}">{WebUtility.HtmlEncode(text["Windows.Fallback"])}</a></p></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
    }

    /// <summary>
    /// Points MIT Kerberos at the configured keytab. libkrb5 reads KRB5_KTNAME with getenv, which the managed
    /// Environment.SetEnvironmentVariable does not reach on Linux, so libc's setenv is called too; this runs while the
    /// app is being built, before any request (and so any GSSAPI call) can run on another thread.
    /// </summary>
    private static void UseKeytab(WindowsSignInOptions settings, ILogger logger)
    {
        var inherited = Environment.GetEnvironmentVariable("KRB5_KTNAME");
        if (settings.Keytab is not { Length: > 0 } keytab)
        {
            logger.LogInformation("Windows sign-in: the keytab is {Keytab}.", inherited is { Length: > 0 } ? $"KRB5_KTNAME ({inherited})" : "MIT's default (/etc/krb5.keytab)");
            return;
        }

        var value = "FILE:" + Path.GetFullPath(keytab);
        if (inherited is { Length: > 0 } && inherited != value)
        {
            logger.LogWarning("Windows sign-in: {Setting} ({Keytab}) replaces KRB5_KTNAME ({Inherited}) for this process.", WindowsSignInOptions.SectionName + ":Keytab", value, inherited);
        }

        Environment.SetEnvironmentVariable("KRB5_KTNAME", value);
        if (!OperatingSystem.IsWindows() && NativeEnvironment.SetEnv("KRB5_KTNAME", value, 1) != 0)
        {
            throw new InvalidOperationException($"Could not set KRB5_KTNAME for {WindowsSignInOptions.SectionName}:Keytab.");
        }
    }
}

internal static class NativeEnvironment
{
    /// <summary>libc's setenv with UTF-8, NUL-terminated copies of the strings.</summary>
    internal static int SetEnv(string name, string value, int overwrite) => setenv(Utf8z(name), Utf8z(value), overwrite);

    private static byte[] Utf8z(string text) => System.Text.Encoding.UTF8.GetBytes(text + "\0");

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SA1300, IDE1006 // libc's own name
    private static extern int setenv(byte[] name, byte[] value, int overwrite);
#pragma warning restore SA1300, IDE1006
}
