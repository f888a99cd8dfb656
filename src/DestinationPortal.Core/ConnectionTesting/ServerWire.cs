using System.Buffers.Binary;
using System.Text;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// The server's side of PostgreSQL's wire protocol, as little of it as a stand-in server needs: the backend messages it
/// writes and bounded reads of what a client sends. The portal's own <see cref="WarmUpResponder"/> speaks it, and so do the
/// tests' hostile servers, so both build messages the same way.
/// </summary>
internal static class ServerWire
{
    public const int SslRequestCode = 80877103;
    public const int GssEncRequestCode = 80877104;

    public static byte[] Message(char type, ReadOnlySpan<byte> body)
    {
        var message = new byte[body.Length + 5];
        message[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), body.Length + 4);
        body.CopyTo(message.AsSpan(5));
        return message;
    }

    /// <summary>An Authentication message ('R'): 0 is AuthenticationOk, 3 a cleartext prompt, 10–12 SASL's steps.</summary>
    public static byte[] Authentication(int code, ReadOnlySpan<byte> extra = default)
    {
        var body = new byte[4 + extra.Length];
        BinaryPrimitives.WriteInt32BigEndian(body, code);
        extra.CopyTo(body.AsSpan(4));
        return Message('R', body);
    }

    public static byte[] SaslMechanisms(IEnumerable<string> mechanisms) =>
        Authentication(10, Encoding.UTF8.GetBytes(string.Concat(mechanisms.Select(m => m + "\0")) + "\0"));

    /// <summary>An ErrorResponse ('E') or, with <paramref name="type"/> 'N', a NoticeResponse.</summary>
    public static byte[] Error(string sqlState, string text, char type = 'E', string severity = "FATAL") =>
        Message(type, Encoding.UTF8.GetBytes($"S{severity}\0V{severity}\0C{sqlState}\0M{text}\0\0"));

    public static byte[] Parameter(string name, string value) => Message('S', Encoding.UTF8.GetBytes(name + "\0" + value + "\0"));

    public static byte[] ReadyForQuery() => Message('Z', "I"u8);

    /// <summary>
    /// A startup packet's body (after its length): an SSLRequest's or GSSENCRequest's is the 4-byte request code, a
    /// startup message's the protocol version and then its name/value pairs.
    /// </summary>
    public static async Task<byte[]> ReadStartupAsync(Stream stream, int maxLength, CancellationToken ct)
    {
        var length = new byte[4];
        await stream.ReadExactlyAsync(length, ct);
        var size = BinaryPrimitives.ReadInt32BigEndian(length);
        if (size < 8 || size > maxLength)
        {
            throw new InvalidDataException("Not a startup packet.");
        }

        var body = new byte[size - 4];
        await stream.ReadExactlyAsync(body, ct);
        return body;
    }

    /// <summary>One message from the client: its type and its body.</summary>
    public static async Task<(char Type, byte[] Body)> ReadMessageAsync(Stream stream, int maxLength, CancellationToken ct)
    {
        var header = new byte[5];
        await stream.ReadExactlyAsync(header, ct);
        var size = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
        if (size < 4 || size > maxLength)
        {
            throw new InvalidDataException("Not a frontend message.");
        }

        var body = new byte[size - 4];
        await stream.ReadExactlyAsync(body, ct);
        return ((char)header[0], body);
    }
}
