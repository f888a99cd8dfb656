using System.Globalization;

namespace DestinationPortal.Benchmarks.CircuitHeap;

/// <summary>dotnet-gcdump (a global tool: <c>dotnet tool install -g dotnet-gcdump</c>): it induces a full GC, so what it counts is live.</summary>
internal static class GcDump
{
    private static readonly string Tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-gcdump");

    public static async Task<long> LiveHeapBytesAsync(int processId, string file)
    {
        await Shell.RunAsync(File.Exists(Tool) ? Tool : "dotnet-gcdump", ["collect", "-p", processId.ToString(CultureInfo.InvariantCulture), "-o", file]);
        var report = await Shell.RunAsync(File.Exists(Tool) ? Tool : "dotnet-gcdump", ["report", file]);
        // heapstat's header: "  12,345,678  GC Heap bytes".
        var line = report.Split('\n').FirstOrDefault(l => l.Contains("GC Heap bytes", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("dotnet-gcdump report has no \"GC Heap bytes\" line:\n" + report);
        return long.Parse(line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }
}
