using Microsoft.AspNetCore.Identity;

namespace DestinationPortal.Web.Access;

/// <summary>Why a password check failed, in the audit trail's words; the user sees one message whatever the reason.</summary>
internal static class SignInFailures
{
    public static string Describe(SignInResult result) =>
        result.IsLockedOut ? "account locked after repeated failures"
        : result.IsNotAllowed ? "account disabled"
        : "wrong user name or password";
}
