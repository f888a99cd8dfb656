using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.Tests.Persistence;

/// <summary>SQLite's one-writer rule, kept by <see cref="PortalDbContext"/> for every writer, Identity's stores included.</summary>
public sealed class WriteGateTests : IDisposable
{
    private const int PerKind = 12;

    private readonly TestPortal _portal = new();

    public void Dispose() => _portal.Dispose();

    [Fact]
    public async Task ConcurrentWritersOfEveryKind_AllSucceed_AndEverySaveRunsInsideTheGate()
    {
        var saves = new SaveObserver();
        var services = new ServiceCollection();
        _portal.AddPortalServices(services);
        services.ConfigureDbContext<PortalDbContext>((sp, options) => options.AddInterceptors(saves.Watching(sp.GetRequiredService<IWriteGate>())));
        await using var provider = services.BuildServiceProvider();
        var scopes = provider.GetRequiredService<IServiceScopeFactory>();
        var destinationId = (await InScopeAsync(scopes, s => s.GetRequiredService<DestinationService>().CreateAsync(Input("tested")))).Id!.Value;
        var userIds = new List<string>();
        for (var i = 0; i < PerKind; i++)
        {
            userIds.Add(await InScopeAsync(scopes, async s =>
            {
                var user = new PortalUser { UserName = $"writer{i}", Role = PortalRole.Editor, CreatedAtUtc = DateTime.UtcNow };
                Assert.True((await s.GetRequiredService<UserManager<PortalUser>>().CreateAsync(user, "a writer passphrase")).Succeeded);
                return user.Id;
            }));
        }

        saves.Reset();
        var writers = Enumerable.Range(0, PerKind).SelectMany(i => new Func<Task<bool>>[]
        {
            () => InScopeAsync(scopes, async s => (await s.GetRequiredService<DestinationService>().CreateAsync(Input($"saved{i}"))).Status == SaveStatus.Saved),
            () => InScopeAsync(scopes, s => s.GetRequiredService<ConnectionTestHistory>().RecordAsync(Run(destinationId))),
            () => InScopeAsync(scopes, async s =>
            {
                var audit = s.GetRequiredService<AuditLog>();
                await audit.WriteAsync(audit.Entry(AuditActions.AccessDenied, AuditOutcomes.Denied, details: $"writer {i}"));
                return true;
            }),
            () => InScopeAsync(scopes, async s =>
            {
                var users = s.GetRequiredService<UserManager<PortalUser>>();
                var user = await users.FindByIdAsync(userIds[i]);
                user!.LastSignInAtUtc = DateTime.UtcNow;
                return (await users.UpdateAsync(user)).Succeeded;
            }),
            () => InScopeAsync(scopes, async s =>
                (await s.GetRequiredService<ApiTokenService>().IssueAsync(userIds[i], $"writer{i}", $"token {i}", 1)).Token.Length > 0),
        }).Select(Task.Run).ToList();

        var results = await Task.WhenAll(writers);

        Assert.All(results, Assert.True);
        Assert.Equal(0, saves.OutsideTheGate);
        Assert.True(saves.Count >= 5 * PerKind, $"{saves.Count} saves observed");
        await using var db = await provider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(PerKind + 1, await db.Destinations.CountAsync());
        Assert.Equal(PerKind, await db.ApiTokens.CountAsync());
        Assert.Equal(PerKind, await db.Users.CountAsync(u => u.LastSignInAtUtc != null));
        Assert.Equal(PerKind, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.AccessDenied));
        Assert.Equal(PerKind, await db.TestRuns.CountAsync());
    }

    [Fact]
    public async Task Gate_IsReentrantWithinAFlow_AndWorkStartedInsideAHoldDoesNotKeepItAfterwards()
    {
        using var gate = new SqliteWriteGate();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<bool> leftRunning;
        using (await gate.EnterAsync(CancellationToken.None))
        {
            using (await gate.EnterAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)))
            {
                Assert.True(gate.IsHeld);
            }

            Assert.True(gate.IsHeld);
            leftRunning = Task.Run(async () =>
            {
                await release.Task;
                return gate.IsHeld;
            });
        }

        release.SetResult();

        Assert.False(await leftRunning);
        Assert.False(gate.IsHeld);
        using (await gate.EnterAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.True(gate.IsHeld);
        }
    }

    private static async Task<T> InScopeAsync<T>(IServiceScopeFactory scopes, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    private static DestinationInput Input(string name) => new() { Name = name, ServerName = "db.example.test", Username = "loader", Database = "sales" };

    private static ConnectionTestRunRecord Run(Guid destinationId) => new()
    {
        Id = Guid.CreateVersion7(),
        DestinationId = destinationId,
        StartedAtUtc = DateTime.UtcNow,
        StartedBy = "alice",
        Target = "db.example.test:5432",
        Succeeded = true,
        Explanation = "Connected.",
        ReportText = "report",
    };

    /// <summary>Counts SaveChanges calls and those that ran while their flow did not hold the write gate.</summary>
    private sealed class SaveObserver
    {
        private int _count;
        private int _outside;

        public int Count => Volatile.Read(ref _count);

        public int OutsideTheGate => Volatile.Read(ref _outside);

        public void Reset()
        {
            Volatile.Write(ref _count, 0);
            Volatile.Write(ref _outside, 0);
        }

        public IInterceptor Watching(IWriteGate gate) => new Interceptor(this, gate);

        private sealed class Interceptor(SaveObserver observer, IWriteGate gate) : SaveChangesInterceptor
        {
            public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
            {
                Interlocked.Increment(ref observer._count);
                if (!gate.IsHeld)
                {
                    Interlocked.Increment(ref observer._outside);
                }

                return ValueTask.FromResult(result);
            }
        }
    }
}
