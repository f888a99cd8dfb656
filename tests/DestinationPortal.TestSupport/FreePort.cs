using System.Net;
using System.Net.Sockets;

namespace DestinationPortal.TestSupport;

/// <summary>A loopback TCP port nothing listens on right now, for a server a test is about to start.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
