using BenchmarkDotNet.Running;
using DestinationPortal.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(ManageDestinationsBenchmarks).Assembly).Run(args);
