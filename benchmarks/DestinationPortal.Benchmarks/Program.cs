using BenchmarkDotNet.Running;
using DestinationPortal.Benchmarks;
using DestinationPortal.Benchmarks.CircuitHeap;

// "circuit-heap [page]": server heap per open tab, measured in a published app's process (not a BenchmarkDotNet job).
if (args is ["circuit-heap", ..])
{
    return await CircuitHeapHarness.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(ManageDestinationsBenchmarks).Assembly).Run(args);
return 0;
