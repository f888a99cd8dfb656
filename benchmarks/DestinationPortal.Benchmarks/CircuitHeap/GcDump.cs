using System.Globalization;
using DestinationPortal.Benchmarks.Browser;

namespace DestinationPortal.Benchmarks.CircuitHeap;

/// <summary>dotnet-gcdump (a global tool: <c>dotnet tool install -g dotnet-gcdump</c>): it induces a full GC, so what it counts is live.</summary>
internal static class GcDump
{
    private static readonly string Tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-gcdump");

    /// <summary>The live heap in bytes; dotnet-gcdump's report (bytes and counts by type) is kept beside <paramref name="file"/> as .txt.</summary>
    public static async Task<long> LiveHeapBytesAsync(int processId, string file)
    {
        await Shell.RunAsync(File.Exists(Tool) ? Tool : "dotnet-gcdump", ["collect", "-p", processId.ToString(CultureInfo.InvariantCulture), "-o", file]);
        var report = await Shell.RunAsync(File.Exists(Tool) ? Tool : "dotnet-gcdump", ["report", file]);
        await File.WriteAllTextAsync(Path.ChangeExtension(file, ".txt"), report);
        // heapstat's header: "  12,345,678  GC Heap bytes".
        var line = report.Split('\n').FirstOrDefault(l => l.Contains("GC Heap bytes", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("dotnet-gcdump report has no \"GC Heap bytes\" line:\n" + report);
        return long.Parse(line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }
}
