using System.Security.Cryptography;
using System.Text.Json;
using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Finished tests, remembered for <see cref="CountsFor"/> so that saving exactly what was tested counts as tested: Add,
/// fill in, Test Connection, Save shows the test's outcome, not "Not tested". The server decides, never the caller: a
/// save looks up the latest run by the same signed-in user whose fingerprint equals what it is saving, so no request
/// or circuit call can claim a test that did not happen, nor borrow another user's. A fingerprint is an HMAC, keyed
/// with a random key held only in this process's memory, of the connection fields (<see cref="ConnectionFields"/>) and
/// the password the test sent: typed (the plaintext, which is never kept), stored (its ciphertext) or none. So a
/// restart forgets every run (the key is gone), which only means a save after a restart counts as untested.
/// Cancelled runs are not remembered: they tested nothing to the end.
/// </summary>
public sealed class TestedConnections(TimeProvider clock)
{
    /// <summary>How long after it started a run still counts for a save.</summary>
    public static readonly TimeSpan CountsFor = TimeSpan.FromMinutes(30);

    // Bounds memory whatever the test rate (the gate caps runs per user, not runs per hour).
    private const int MaxRemembered = 1000;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly Lock _lock = new();
    private readonly LinkedList<Remembered> _runs = new(); // newest first

    /// <summary>Remembers a finished run of <paramref name="tested"/> by <paramref name="userId"/> (nothing when anonymous or cancelled).</summary>
    internal void Remember(string? userId, DestinationDefinition tested, SentPassword password, LastTestStatus status, DateTime startedAtUtc)
    {
        if (userId is null || status is not (LastTestStatus.Passed or LastTestStatus.Failed))
        {
            return;
        }

        var entry = new Remembered(userId, Fingerprint(tested, password), status, startedAtUtc);
        lock (_lock)
        {
            Forget(clock.GetUtcNow().UtcDateTime - CountsFor);
            _runs.AddFirst(entry);
            if (_runs.Count > MaxRemembered)
            {
                _runs.RemoveLast();
            }
        }
    }

    /// <summary>The latest run by <paramref name="userId"/> of exactly <paramref name="saved"/> with exactly this password, if one still counts.</summary>
    internal (LastTestStatus Status, DateTime StartedAtUtc)? Find(string? userId, DestinationDefinition saved, SentPassword password)
    {
        if (userId is null)
        {
            return null;
        }

        var fingerprint = Fingerprint(saved, password);
        var since = clock.GetUtcNow().UtcDateTime - CountsFor;
        lock (_lock)
        {
            Forget(since);
            var run = _runs.FirstOrDefault(r => r.UserId == userId && CryptographicOperations.FixedTimeEquals(r.Fingerprint, fingerprint));
            return run is null ? null : (run.Status, run.StartedAtUtc);
        }
    }

    private void Forget(DateTime startedBefore)
    {
        while (_runs.Last is { } oldest && oldest.Value.StartedAtUtc < startedBefore)
        {
            _runs.RemoveLast();
        }
    }

    private byte[] Fingerprint(DestinationDefinition definition, SentPassword password)
    {
        // A JSON array is unambiguous whatever the values contain.
        var canonical = JsonSerializer.SerializeToUtf8Bytes<string?[]>([.. ConnectionFields.Values(definition), password.Kind, password.Value]);
        return HMACSHA256.HashData(_key, canonical);
    }

    private sealed record Remembered(string UserId, byte[] Fingerprint, LastTestStatus Status, DateTime StartedAtUtc);
}

/// <summary>
/// Which password a test sent or a save keeps, for <see cref="TestedConnections"/> only: typed (the plaintext, hashed at
/// once with the process key, never stored), stored (the ciphertext: the same stored password) or none.
/// </summary>
internal readonly struct SentPassword
{
    private SentPassword(string kind, string? value)
    {
        Kind = kind;
        Value = value;
    }

    public static SentPassword None { get; } = new("none", null);

    public string Kind { get; }

    public string? Value { get; }

    public static SentPassword Typed(string plaintext) => new("typed", plaintext);

    public static SentPassword Stored(string protectedPassword) => new("stored", protectedPassword);

    // Never the value: this can carry a plaintext password.
    public override string ToString() => $"SentPassword {{ Kind = {Kind} }}";
}
