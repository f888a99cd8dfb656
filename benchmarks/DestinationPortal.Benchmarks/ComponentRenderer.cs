using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.RenderTree;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;

namespace DestinationPortal.Benchmarks;

#pragma warning disable BL0006 // A renderer reads the render tree; that is its job.

/// <summary>
/// Renders a component the way a circuit's renderer does on the server (the whole lifecycle, OnAfterRender included,
/// which is where Manage Destinations loads its rows), minus sending the diffs to a browser. It counts the table rows
/// the diffs add, so a benchmark can wait for the page's data without parsing markup.
/// </summary>
internal sealed class ComponentRenderer(IServiceProvider services, ILoggerFactory loggerFactory) : Renderer(services, loggerFactory)
{
    private readonly TaskCompletionSource _enoughRows = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _rowsWanted = int.MaxValue;

    public override Dispatcher Dispatcher { get; } = Dispatcher.CreateDefault();

    /// <summary>Table rows (tr.mud-table-row) added by the diffs so far.</summary>
    public int Rows { get; private set; }

    /// <summary>Renders <typeparamref name="TComponent"/> and waits until its diffs have added <paramref name="rows"/> table rows.</summary>
    public async Task<int> RenderUntilRowsAsync<TComponent>(int rows, TimeSpan timeout) where TComponent : IComponent
    {
        _rowsWanted = rows;
        await Dispatcher.InvokeAsync(() => RenderRootComponentAsync(AssignRootComponentId(InstantiateComponent(typeof(TComponent)))));
        await _enoughRows.Task.WaitAsync(timeout);
        return Rows;
    }

    protected override void HandleException(Exception exception)
    {
        _enoughRows.TrySetException(exception);
        ExceptionDispatchInfo.Capture(exception).Throw();
    }

    protected override Task UpdateDisplayAsync(in RenderBatch renderBatch)
    {
        var frames = renderBatch.ReferenceFrames;
        for (var i = 0; i < frames.Count; i++)
        {
            if (frames.Array[i] is { FrameType: RenderTreeFrameType.Element, ElementName: "tr" } && HasClass(frames, i, "mud-table-row"))
            {
                Rows++;
            }
        }

        if (Rows >= _rowsWanted)
        {
            _enoughRows.TrySetResult();
        }

        return Task.CompletedTask;
    }

    private static bool HasClass(ArrayRange<RenderTreeFrame> frames, int element, string name)
    {
        for (var i = element + 1; i < frames.Count && frames.Array[i].FrameType == RenderTreeFrameType.Attribute; i++)
        {
            if (frames.Array[i] is { AttributeName: "class", AttributeValue: string classes } && classes.Split(' ').Contains(name))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>No browser: the JavaScript calls the components make after rendering (focus, resize observers) do nothing.</summary>
internal sealed class NoBrowserJSRuntime : IJSRuntime
{
    public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => InvokeAsync<TValue>(identifier, CancellationToken.None, args);

    public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) =>
        ValueTask.FromResult(typeof(TValue) == typeof(IJSObjectReference) ? (TValue)(object)new NoBrowserModule() : default!);

    private sealed class NoBrowserModule : IJSObjectReference
    {
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => ValueTask.FromResult<TValue>(default!);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) => ValueTask.FromResult<TValue>(default!);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>The page's address as a circuit would have it.</summary>
internal sealed class BenchmarkNavigationManager : NavigationManager
{
    public BenchmarkNavigationManager() => Initialize("http://localhost/", "http://localhost/destinations");
}
