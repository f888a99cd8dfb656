using BenchmarkDotNet.Running;
using DestinationPortal.Benchmarks;
using DestinationPortal.Benchmarks.CircuitHeap;
using DestinationPortal.Benchmarks.FilterKeystroke;

// "circuit-heap [page]": server heap per open tab, measured in a published app's process (not a BenchmarkDotNet job).
if (args is ["circuit-heap", ..])
{
    return await CircuitHeapHarness.RunAsync(args);
}

// "filter-keystroke [--rows N] [--samples N]": a filter keystroke at 10,000 destinations, timed inside Chromium.
if (args is ["filter-keystroke", ..])
{
    return await FilterKeystrokeHarness.RunAsync(args);
}

// "wire-cpu [--blocks N] [--block N]": client and server CPU per Test Connection against a raw Npgsql open, on loopback.
if (args is ["wire-cpu", ..])
{
    return await ConnectionTestWireBenchmarks.RunCpuAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(ManageDestinationsBenchmarks).Assembly).Run(args);
return 0;
