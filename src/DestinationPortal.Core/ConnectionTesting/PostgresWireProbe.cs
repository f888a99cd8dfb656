using System.Buffers.Binary;
using System.Text;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>What the server answered to SSLRequest.</summary>
internal enum SslRequestReply
{
    Accepted,
    Declined,
    NotPostgreSql,
}

/// <summary>The first thing the server said after the startup message, before any credential was sent.</summary>
internal sealed record StartupReply(
    AuthenticationMethod? Method,
    IReadOnlyList<string> SaslMechanisms,
    string? SqlState,
    string? ErrorMessage,
    bool NotPostgreSql,
    string? Violation = null);

internal enum AuthenticationMethod
{
    None,
    Cleartext,
    Md5,
    Gss,
    Sspi,
    Sasl,
    Other,
}

/// <summary>
/// Speaks just enough of the PostgreSQL wire protocol (v3) to learn, without sending any credential, whether the peer is
/// PostgreSQL, whether it offers TLS and which authentication it asks for. Npgsql has no hook that reports the
/// requested method; asking the server directly also gives the SASL mechanism list (SCRAM-SHA-256-PLUS or not).
/// Closing the socket at the password prompt is not logged by PostgreSQL as a failed authentication (auth_failed
/// ignores client EOF), so the probe never costs a lockout attempt.
/// </summary>
internal static class PostgresWireProbe
{
    private const int SslRequestCode = 80877103;
    private const int ProtocolVersion3 = 196608;

    // The first answer to a startup message is an authentication request or an error of a few hundred bytes. The length
    // is checked before anything is read, so a server announcing megabytes gets nothing buffered.
    internal const int MaxMessageLength = 8 * 1024;

    // PostgreSQL offers at most two mechanisms (SCRAM-SHA-256 and -PLUS), each a short name.
    private const int MaxSaslMechanisms = 8;
    private const int MaxSaslMechanismLength = 64;

    public static async Task<SslRequestReply> SendSslRequestAsync(Stream stream, CancellationToken cancellationToken)
    {
        var request = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(request, 8);
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(4), SslRequestCode);
        await stream.WriteAsync(request, cancellationToken);

        // PostgreSQL answers with exactly one byte and then waits. A service that greets first (SSH) or answers with
        // text (HTTP) delivers more in the same read; nothing it sent is kept or echoed.
        var reply = new byte[256];
        var read = await stream.ReadAsync(reply, cancellationToken);
        return read == 1 && reply[0] == (byte)'S' ? SslRequestReply.Accepted
            : read == 1 && reply[0] == (byte)'N' ? SslRequestReply.Declined
            : SslRequestReply.NotPostgreSql;
    }

    public static async Task<StartupReply> SendStartupAsync(Stream stream, string user, string database, CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        Span<byte> int32 = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(int32, ProtocolVersion3);
        body.Write(int32);
        foreach (var (key, value) in new[] { ("user", user), ("database", database), ("application_name", AuthenticationDataSource.ApplicationName) })
        {
            WriteCString(body, key);
            WriteCString(body, value);
        }

        body.WriteByte(0);
        var message = new byte[body.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(message, message.Length);
        body.ToArray().CopyTo(message, 4);
        await stream.WriteAsync(message, cancellationToken);
        return (await ReadStartupReplyAsync(stream, cancellationToken)).Reply;
    }

    /// <summary>
    /// Reads the server's first answer to a startup message, whoever sent it, and returns the bytes read with it: the
    /// relayed login (<see cref="RelayedLogin"/>) forwards exactly those bytes to Npgsql once the run lets it go on.
    /// </summary>
    public static async Task<(StartupReply Reply, byte[] Raw)> ReadStartupReplyAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        if (!await TryReadExactlyAsync(stream, header, cancellationToken))
        {
            return (NotPostgreSql(), []);
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
        if (header[0] is not ((byte)'R' or (byte)'E') || length < 4)
        {
            return (NotPostgreSql(), []);
        }

        if (length > MaxMessageLength)
        {
            return (NotPostgreSql(ConnectionTestText.Localizer["Probe.OversizedMessage", length]), []);
        }

        var raw = new byte[length + 1];
        header.CopyTo(raw, 0);
        if (!await TryReadExactlyAsync(stream, raw.AsMemory(5), cancellationToken))
        {
            return (NotPostgreSql(), []);
        }

        var payload = raw[5..];
        return (header[0] == (byte)'E' ? ParseError(payload) : ParseAuthenticationRequest(payload), raw);
    }

    private static StartupReply ParseAuthenticationRequest(byte[] payload)
    {
        if (payload.Length < 4)
        {
            return NotPostgreSql();
        }

        var code = BinaryPrimitives.ReadInt32BigEndian(payload);
        var method = code switch
        {
            0 => AuthenticationMethod.None,
            3 => AuthenticationMethod.Cleartext,
            5 => AuthenticationMethod.Md5,
            7 => AuthenticationMethod.Gss,
            9 => AuthenticationMethod.Sspi,
            10 => AuthenticationMethod.Sasl,
            _ => AuthenticationMethod.Other,
        };
        var mechanisms = method == AuthenticationMethod.Sasl ? ReadCStrings(payload.AsSpan(4)) : [];
        if (mechanisms.Count > MaxSaslMechanisms || mechanisms.Any(m => m.Length > MaxSaslMechanismLength))
        {
            return NotPostgreSql(ConnectionTestText.Localizer["Probe.LongMechanismList", mechanisms.Count, mechanisms.Max(m => m.Length)]);
        }

        return new StartupReply(method, mechanisms, null, null, false);
    }

    private static StartupReply ParseError(byte[] payload)
    {
        string? sqlState = null;
        string? message = null;
        var span = payload.AsSpan();
        while (span.Length > 1 && span[0] != 0)
        {
            var field = span[0];
            var end = span[1..].IndexOf((byte)0);
            if (end < 0)
            {
                break;
            }

            var value = Encoding.UTF8.GetString(span.Slice(1, end));
            if (field == (byte)'C')
            {
                sqlState = value;
            }
            else if (field == (byte)'M')
            {
                message = ReportText.Bound(value);
            }

            span = span[(end + 2)..];
        }

        // A SQLSTATE is five characters; anything else is not PostgreSQL's ErrorResponse.
        return sqlState is { Length: 5 } ? new StartupReply(null, [], sqlState, message, false) : NotPostgreSql(ConnectionTestText.Localizer["Probe.ErrorWithoutSqlState"]);
    }

    private static List<string> ReadCStrings(ReadOnlySpan<byte> span)
    {
        var result = new List<string>();
        while (span.Length > 0 && span[0] != 0)
        {
            var end = span.IndexOf((byte)0);
            if (end < 0)
            {
                break;
            }

            result.Add(Encoding.UTF8.GetString(span[..end]));
            span = span[(end + 1)..];
        }

        return result;
    }

    private static async Task<bool> TryReadExactlyAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }

    private static void WriteCString(MemoryStream stream, string value)
    {
        stream.Write(Encoding.UTF8.GetBytes(value));
        stream.WriteByte(0);
    }

    private static StartupReply NotPostgreSql(string? violation = null) => new(null, [], null, null, true, violation);
}
