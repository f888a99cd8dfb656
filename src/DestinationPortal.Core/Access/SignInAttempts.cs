using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Core.Access;

/// <summary>
/// Failed sign-ins per (user name, client address): <see cref="LockoutOptions.MaxFailedAccessAttempts"/> failures in a row
/// from one address lock that user name from that address for <see cref="LockoutOptions.DefaultLockoutTimeSpan"/>; the same
/// user from any other address is not affected. A lock that covered the whole account would let anyone who knows an
/// administrator's name shut them out by typing wrong passwords; this one shuts out only the address that guesses.
/// Unknown user names are counted and locked exactly like known ones, so a lock tells a guesser nothing about which
/// names exist. Kept in memory: right for the one instance SQLite allows (a restart forgets the counts, which only
/// gives a guesser back the few attempts of the current window).
/// </summary>
public sealed class SignInAttempts(IOptions<IdentityOptions> identity, TimeProvider clock)
{
    /// <summary>Bounds memory whatever a guesser sends; expired entries are dropped first when it is reached.</summary>
    public const int MaxEntries = 100_000;

    private readonly Dictionary<(string User, string Address), Attempts> _attempts = [];
    private readonly Lock _gate = new();
    private string? _standInHash;

    private int MaxFailures => identity.Value.Lockout.MaxFailedAccessAttempts;

    private TimeSpan LockDuration => identity.Value.Lockout.DefaultLockoutTimeSpan;

    /// <summary>
    /// The address as one guesser holds it: an IPv4 address, or the /64 prefix of an IPv6 address (one subscriber
    /// usually holds a whole /64, and would otherwise get a fresh allowance from every one of its addresses).
    /// </summary>
    public static string AddressKey(string? address)
    {
        if (address is null || !IPAddress.TryParse(address, out var ip))
        {
            return address ?? "unknown";
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            return ip.MapToIPv4().ToString();
        }

        if (ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return ip.ToString();
        }

        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public bool IsLocked(string normalizedUserName, string? address)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            return _attempts.TryGetValue((normalizedUserName, AddressKey(address)), out var entry) && entry.LockedUntil > now;
        }
    }

    /// <summary>True while some address is locked out of this user name (the Users page shows it).</summary>
    public bool IsLockedAnywhere(string normalizedUserName)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            return _attempts.Any(a => a.Key.User == normalizedUserName && a.Value.LockedUntil > now);
        }
    }

    /// <summary>Counts a wrong password; true when this failure locked the user name from this address.</summary>
    public bool RecordFailure(string normalizedUserName, string? address)
    {
        var now = clock.GetUtcNow();
        var key = (normalizedUserName, AddressKey(address));
        lock (_gate)
        {
            if (!_attempts.TryGetValue(key, out var entry))
            {
                if (_attempts.Count >= MaxEntries)
                {
                    DropExpired(now);
                    if (_attempts.Count >= MaxEntries)
                    {
                        return false;
                    }
                }

                entry = new Attempts();
                _attempts[key] = entry;
            }

            // A run of failures is forgotten after a quiet window as long as the lock, so a typo a day never adds up.
            if (entry.LockedUntil <= now && entry.LastFailure + LockDuration <= now)
            {
                entry.Failures = 0;
            }

            entry.Failures++;
            entry.LastFailure = now;
            if (entry.Failures >= MaxFailures)
            {
                entry.Failures = 0;
                entry.LockedUntil = now + LockDuration;
                return true;
            }

            return false;
        }
    }

    /// <summary>The right password from this address: its run of failures starts again.</summary>
    public void RecordSuccess(string normalizedUserName, string? address)
    {
        lock (_gate)
        {
            _attempts.Remove((normalizedUserName, AddressKey(address)));
        }
    }

    /// <summary>Lifts every lock on this user name (an administrator reset the password).</summary>
    public void Forget(string normalizedUserName)
    {
        lock (_gate)
        {
            foreach (var key in _attempts.Keys.Where(k => k.User == normalizedUserName).ToList())
            {
                _attempts.Remove(key);
            }
        }
    }

    /// <summary>
    /// A hash of a random password, made once with the registered hasher (so with the same work factor as the real
    /// ones): verifying against it costs an unknown user name as much time as a known one.
    /// </summary>
    public string StandInHash(IPasswordHasher<PortalUser> hasher)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        return _standInHash ??= hasher.HashPassword(new PortalUser(), System.Security.Cryptography.RandomNumberGenerator.GetHexString(32));
    }

    private void DropExpired(DateTimeOffset now)
    {
        foreach (var (key, _) in _attempts.Where(a => a.Value.LockedUntil <= now && a.Value.LastFailure + LockDuration <= now).ToList())
        {
            _attempts.Remove(key);
        }
    }

    private sealed class Attempts
    {
        public int Failures { get; set; }

        public DateTimeOffset LastFailure { get; set; }

        public DateTimeOffset LockedUntil { get; set; }
    }
}
