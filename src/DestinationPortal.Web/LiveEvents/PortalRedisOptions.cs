using System.ComponentModel.DataAnnotations;
using StackExchange.Redis;

namespace DestinationPortal.Web.LiveEvents;

/// <summary>
/// The <c>Portal:Redis</c> section (environment: <c>Portal__Redis__Configuration</c>). Unset, there is no relay: each
/// instance's watchers see that instance's runs only, which is all a single instance needs.
/// </summary>
public sealed class PortalRedisOptions : IValidatableObject
{
    public const string SectionName = "Portal:Redis";

    /// <summary>
    /// A StackExchange.Redis configuration string (<c>redis.internal:6379,password=…,ssl=true</c>). It may hold a
    /// password: give it through the environment or a secret store. Never logged, never shown.
    /// </summary>
    public string? Configuration { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Configuration);

    /// <summary>
    /// The parsed configuration, made to suit a relay that must never hold anything up: the portal starts and serves with
    /// Redis down (it keeps trying in the background), and a command sent while disconnected fails at once instead of
    /// waiting in the library's backlog.
    /// </summary>
    public ConfigurationOptions ToRedisOptions()
    {
        var options = ConfigurationOptions.Parse(Configuration!);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ClientName ??= "destination-portal";
        return options;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsConfigured)
        {
            yield break;
        }

        // The messages never repeat the string: it may carry a password.
        string? problem;
        try
        {
            problem = ConfigurationOptions.Parse(Configuration!).EndPoints.Count == 0 ? "names no server (host:port)" : null;
        }
        catch (ArgumentException)
        {
            problem = "is not a valid StackExchange.Redis configuration string";
        }

        if (problem is not null)
        {
            yield return new ValidationResult($"{SectionName}:{nameof(Configuration)} {problem}.", [nameof(Configuration)]);
        }
    }
}
