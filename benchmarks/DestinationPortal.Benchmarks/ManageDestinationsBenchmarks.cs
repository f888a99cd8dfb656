using BenchmarkDotNet.Attributes;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Web.Components.Destinations;
using DestinationPortal.Web.Localization;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;
using MudBlazor.Services;
using Npgsql;

namespace DestinationPortal.Benchmarks;

/// <summary>
/// Manage Destinations with 10,000 stored destinations: the first page and a filter, through the portal's service
/// and through a full component render, against the raw ADO.NET provider (Microsoft.Data.Sqlite or Npgsql) running the
/// same SQL as the reference, on each store (issue 14: PostgreSQL beside SQLite in one run).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class ManageDestinationsBenchmarks
{
    private const int DestinationCount = 10_000;
    private const string FilterText = "sales-42";

    private BenchmarkStore _store = null!;
    private ServiceProvider _services = null!;
    private IServiceScope _scope = null!;
    private DestinationService _destinations = null!;
    private DbConnection _raw = null!;
    private ServiceProvider _renderServices = null!;

    [Params(BenchmarkStore.Sqlite, BenchmarkStore.PostgreSql)]
    public string Store { get; set; } = BenchmarkStore.Sqlite;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _store = await BenchmarkStore.StartAsync(Store);
        _services = new ServiceCollection().AddBenchmarkPortal(_store.Settings).BuildServiceProvider();
        await _services.InitializePortalDatabaseAsync();
        await SeededDestinations.AddAsync(_services.GetRequiredService<IDbContextFactory<PortalDbContext>>(), DestinationCount);
        _scope = _services.CreateScope();
        _destinations = _scope.ServiceProvider.GetRequiredService<DestinationService>();

        _raw = _store.ConnectionString is { } postgres
            ? new NpgsqlConnection(postgres)
            : new SqliteConnection($"Data Source={Path.Combine(_store.DataDirectory, "portal.db")}");
        await _raw.OpenAsync();

        _renderServices = new ServiceCollection()
            .AddBenchmarkPortal(_store.Settings)
            .AddMudServices(o => o.PopoverOptions.CheckForPopoverProvider = false)
            .AddScoped<IJSRuntime, NoBrowserJSRuntime>()
            .AddScoped<NavigationManager, BenchmarkNavigationManager>()
            .AddScoped<ViewerTime>()
            .BuildServiceProvider();
    }

    [Benchmark(Baseline = true, Description = "Reference: raw SQL, first page (COUNT + 25 rows)")]
    public async Task<int> RawFirstPage() => await RawPageAsync(filter: null);

    [Benchmark(Description = "Service: first page")]
    public async Task<int> ServiceFirstPage() => (await _destinations.ListAsync(new DestinationListQuery(Take: 25))).Items.Count;

    [Benchmark(Description = "Reference: raw SQL, filtered page")]
    public async Task<int> RawFilteredPage() => await RawPageAsync(FilterText);

    [Benchmark(Description = "Service: filter keystroke (filtered page)")]
    public async Task<int> ServiceFilteredPage() => (await _destinations.ListAsync(new DestinationListQuery(Filter: FilterText, Take: 25))).Items.Count;

    [Benchmark(Description = "Service: first page sorted by last test, descending")]
    public async Task<int> ServiceLastTestPage() =>
        (await _destinations.ListAsync(new DestinationListQuery(SortBy: DestinationSortColumn.LastTest, Descending: true, Take: 25))).Items.Count;

    [Benchmark(Description = "Service: first page sorted by TLS mode")]
    public async Task<int> ServiceTlsModePage() =>
        (await _destinations.ListAsync(new DestinationListQuery(SortBy: DestinationSortColumn.TlsMode, Take: 25))).Items.Count;

    [Benchmark(Description = "Render: Manage Destinations, first page (component + data + diff)")]
    public async Task<int> RenderFirstPage()
    {
        // A scope and a renderer per render, as a new circuit has.
        await using var scope = _renderServices.CreateAsyncScope();
        await using var renderer = new ComponentRenderer(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<ILoggerFactory>());
        return await renderer.RenderUntilRowsAsync<ManageDestinations>(rows: 25, TimeSpan.FromSeconds(10));
    }

    private async Task<int> RawPageAsync(string? filter)
    {
        // What each provider translates string.Contains to on the stored keys: instr() on SQLite, strpos() on PostgreSQL.
        var contains = _raw is NpgsqlConnection ? "strpos" : "instr";
        var where = filter is null ? "" : $"WHERE {contains}(\"NameKey\", @key) > 0 OR {contains}(\"ServerNameKey\", @key) > 0 OR {contains}(\"DatabaseKey\", @key) > 0";
        await using var count = _raw.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM \"Destinations\" {where}";
        await using var page = _raw.CreateCommand();
        page.CommandText = $"SELECT \"Id\", \"Name\", \"TypeId\", \"ServerName\", \"Port\", \"Database\", \"TlsMode\", \"LastTestSucceeded\", \"LastTestAtUtc\", \"UpdatedAtUtc\", \"UpdatedBy\" FROM \"Destinations\" {where} ORDER BY \"NameKey\", \"Id\" LIMIT 25";
        if (filter is not null)
        {
            foreach (var command in new[] { count, page })
            {
                var key = command.CreateParameter();
                key.ParameterName = "@key";
                key.Value = SearchKey.For(filter);
                command.Parameters.Add(key);
            }
        }

        _ = await count.ExecuteScalarAsync();
        var rows = 0;
        await using var reader = await page.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows++;
        }

        return rows;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _renderServices.DisposeAsync();
        await _raw.DisposeAsync();
        _scope.Dispose();
        await _services.DisposeAsync();
        await _store.DisposeAsync();
    }
}
