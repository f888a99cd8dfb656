using System.Collections.Concurrent;
using System.Net.Sockets;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Every socket and stream a run has open to the server, closed at once when the deadline passes or the caller goes
/// away, so that no abandoned read goes on receiving from a server that never stops sending.
/// </summary>
internal sealed class OpenConnections
{
    private readonly ConcurrentBag<IDisposable> _open = [];
    private volatile bool _aborted;

    /// <summary>Keeps <paramref name="connection"/> to be closed if the run is stopped; closes it at once if it already was.</summary>
    public void Track(IDisposable connection)
    {
        _open.Add(connection);
        if (_aborted)
        {
            CloseQuietly(connection);
        }
    }

    public void AbortAll()
    {
        _aborted = true;
        foreach (var connection in _open)
        {
            CloseQuietly(connection);
        }
    }

    private static void CloseQuietly(IDisposable connection)
    {
        try
        {
            connection.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or SocketException)
        {
            // A socket that fails to close is already unusable, which is all this wants.
        }
    }
}
