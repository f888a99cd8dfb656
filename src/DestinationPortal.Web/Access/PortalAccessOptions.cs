using System.ComponentModel.DataAnnotations;

namespace DestinationPortal.Web.Access;

/// <summary>The <c>Portal:Access</c> section: session lifetime and how quickly changed rights reach open sessions.</summary>
public sealed class PortalAccessOptions
{
    public const string SectionName = "Portal:Access";

    /// <summary>A session with no request or circuit activity for this long must sign in again (sliding).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often an open tab, a session cookie and a token's user are re-checked against the user store.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Sign-in, setup and token requests allowed per client address per minute.</summary>
    [Range(1, 10_000)]
    public int SignInRequestsPerMinute { get; set; } = 10;
}
