using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using DestinationPortal.Core.Persistence;
using DestinationPortal.IntegrationTests.Hosting;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Access;

/// <summary>
/// Issue 16: what a token costs the store per API request. The token and its user are read by one query (no cache: the
/// revocation, disabled-user and role-change tests in <see cref="AccountLifecycleTests"/> and
/// <see cref="SignInAndSessionTests"/> show each at the very next request). Counted at the database, by the statements
/// that read the token and user tables.
/// </summary>
public sealed class TokenAuthenticationQueryTests : IAsyncLifetime
{
    private readonly AuthTableStatements _statements = new();
    private readonly PortalApp _app;

    public TokenAuthenticationQueryTests() => _app = new PortalApp(services: services =>
        services.ConfigureDbContext<PortalDbContext>(options => options.AddInterceptors(_statements)));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task BearerRequest_LastUseAlreadyStamped_ReadsTokenAndUserInOneQuery()
    {
        using var client = await _app.TokenClientAsync();
        // The first use stamps the token's last use (a write at most once a minute); the requests after it only read.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/destinations")).StatusCode);
        _statements.Clear();

        // An administrator's endpoint: the role claim came through the one query's user.
        using var response = await client.GetAsync("/api/audit/export.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var statement = Assert.Single(_statements.Seen);
        Assert.Contains("ApiTokens", statement, StringComparison.Ordinal);
        Assert.Contains("AspNetUsers", statement, StringComparison.Ordinal);
    }

    /// <summary>Statements that touch the token or the Identity user tables (users, their claims, logins, tokens).</summary>
    private sealed class AuthTableStatements : DbCommandInterceptor
    {
        private readonly ConcurrentQueue<string> _seen = new();

        public IReadOnlyCollection<string> Seen => [.. _seen];

        public void Clear() => _seen.Clear();

        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            Note(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            Note(command);
            return ValueTask.FromResult(result);
        }

        private void Note(DbCommand command)
        {
            if (command.CommandText.Contains("ApiTokens", StringComparison.Ordinal) || command.CommandText.Contains("AspNetUser", StringComparison.Ordinal))
            {
                _seen.Enqueue(command.CommandText);
            }
        }
    }
}
