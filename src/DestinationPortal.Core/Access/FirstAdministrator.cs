using System.Globalization;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Localization;
using DestinationPortal.Core.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Core.Access;

/// <summary>
/// How the first administrator comes to be, with no default password anywhere: from <see cref="PortalAdminOptions"/>
/// at start-up, or through the setup page with a one-time token printed in the console log. Once any user exists
/// there is no token and setup is refused. On a shared store the token is the store's (<see cref="ISetupTokens"/>):
/// printed by the instance that made it, accepted by all.
/// </summary>
public sealed class FirstAdministrator(
    IServiceScopeFactory scopes,
    IOptions<PortalAdminOptions> options,
    IWriteGate writeGate,
    ISetupTokens tokens,
    TimeProvider clock,
    ILogger<FirstAdministrator> logger)
{
    /// <summary>True while the portal has no user and waits for setup with the printed token.</summary>
    public Task<bool> IsSetupPendingAsync(CancellationToken cancellationToken = default) => tokens.IsPendingAsync(cancellationToken);

    /// <summary>Run once at start-up, after migrations.</summary>
    /// <remarks>
    /// What this says is for the operator reading the console, not for a portal user: the setup-token line and a refused
    /// Portal:Admin password (Identity's words) are English whatever culture the server runs in. The culture set here
    /// belongs to this call's asynchronous flow and does not leak to the caller.
    /// </remarks>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        await CreateFirstAdministratorAsync(cancellationToken);
    }

    /// <summary>
    /// A plain statement on both stores: as the start's first EF query, <c>Users.Any()</c> cost about 0.15 s of every start
    /// (issue 16, decision 57) to learn what is true on all but the first.
    /// </summary>
    private static async Task<bool> AnyUserAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var table = db.Model.FindEntityType(typeof(PortalUser))!.GetTableName();
        return await PlainStatements.ScalarAsync(db, $"""SELECT 1 FROM "{table}" LIMIT 1""", cancellationToken) is not null;
    }

    private async Task CreateFirstAdministratorAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        if (await AnyUserAsync(db, cancellationToken))
        {
            // A token left by a setup that ended between its user and its clean-up is of no use to anyone.
            await tokens.ClearAsync(cancellationToken);
            return;
        }

        var configured = options.Value;
        if (!string.IsNullOrWhiteSpace(configured.UserName) && !string.IsNullOrEmpty(configured.Password))
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = NewAdministrator(configured.UserName.Trim());
            db.AuditEntries.Add(Audit(scope, AuditActions.SetupCompleted, AuditOutcomes.Succeeded, user.UserName!, "first administrator created from configuration (Portal:Admin)", "configuration"));
            var result = await users.CreateAsync(user, configured.Password);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(
                    $"Portal:Admin could not create the first administrator: {UserAdministration.Describe(result)} Fix Portal__Admin__UserName / Portal__Admin__Password and start again.");
            }

            await tokens.ClearAsync(cancellationToken);
            logger.LogInformation("Created the first administrator {UserName} from configuration (Portal:Admin).", user.UserName);
            return;
        }

        if (await tokens.IssueAsync(cancellationToken) is not { } token)
        {
            logger.LogWarning(
                "No administrator exists yet. Another portal instance on this store printed the one-time setup token in its log; /account/setup on any instance accepts it (or set Portal__Admin__UserName and Portal__Admin__Password and restart).");
            return;
        }

        // The one place a credential is written to the log, on purpose: it is how the person who started the
        // portal proves it at /account/setup. It is useless once setup is done, and it changes at every start.
        logger.LogWarning(
            "No administrator exists yet. Open /account/setup and enter this one-time setup token: {SetupToken} (or set Portal__Admin__UserName and Portal__Admin__Password and restart).",
            token);
    }

    /// <summary>Creates the first administrator if <paramref name="presentedToken"/> is the printed token; the token then stops working.</summary>
    public async Task<UserChangeResult> CompleteSetupAsync(string presentedToken, string userName, string password, string? sourceAddress, CancellationToken cancellationToken = default)
    {
        userName = userName.Trim();
        await using var scope = scopes.CreateAsyncScope();
        if (!await tokens.MatchesAsync(presentedToken, cancellationToken))
        {
            await WriteAsync(scope, AuditActions.SetupRefused, AuditOutcomes.Denied, userName.Length == 0 ? "anonymous" : userName, sourceAddress, "wrong or expired setup token", cancellationToken);
            return UserChangeResult.Fail(AccessText.Text("Setup.InvalidToken"));
        }

        if (UserNameRule.Problem(userName) is { } problem)
        {
            return UserChangeResult.Fail(problem);
        }

        using var _ = await writeGate.EnterAsync(cancellationToken);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        if (await AnyUserAsync(db, cancellationToken))
        {
            await tokens.ClearAsync(cancellationToken);
            return UserChangeResult.Fail(AccessText.Text("Setup.AlreadyDone"));
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = NewAdministrator(userName);
        db.AuditEntries.Add(Audit(scope, AuditActions.SetupCompleted, AuditOutcomes.Succeeded, userName, "first administrator created with the setup token", sourceAddress));
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            db.ChangeTracker.Clear();
            return UserChangeResult.Fail(UserAdministration.Describe(result));
        }

        await tokens.ClearAsync(cancellationToken);
        return new UserChangeResult(true, UserId: user.Id);
    }

    private PortalUser NewAdministrator(string userName) => new()
    {
        UserName = userName,
        Role = PortalRole.Administrator,
        CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
        LockoutEnabled = true,
    };

    private static AuditEntry Audit(AsyncServiceScope scope, string action, string outcome, string userName, string details, string? sourceAddress = null)
    {
        var entry = scope.ServiceProvider.GetRequiredService<AuditLog>().Entry(action, outcome, details: details, userName: userName);
        entry.SourceAddress = sourceAddress ?? "unknown";
        return entry;
    }

    private static async Task WriteAsync(AsyncServiceScope scope, string action, string outcome, string userName, string? sourceAddress, string details, CancellationToken cancellationToken)
    {
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        await audit.WriteAsync(Audit(scope, action, outcome, userName, details, sourceAddress), cancellationToken);
    }
}
