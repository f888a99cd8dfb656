namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// The Kerberos principal the portal's process authenticates as with Windows Authentication, and where it comes from.
/// </summary>
/// <param name="Principal">For example portal@EXAMPLE.COM; null when the process has no Kerberos credentials.</param>
/// <param name="Source">
/// With a principal, where it comes from ("client keytab FILE:/run/secrets/portal.keytab", "ticket cache FILE:/tmp/krb5cc_1654");
/// without one, where the portal looked and what it found, so an administrator knows what to fix on the portal host.
/// </param>
public sealed record KerberosIdentity(string? Principal, string Source)
{
    /// <summary>
    /// The database user asked for when Username is empty: the principal without its realm, as Npgsql does by default
    /// (PostgreSQL's gss with include_realm=0, or a pg_ident.conf map, then decides which role that is).
    /// </summary>
    public string? DefaultDatabaseUser => Principal is null ? null : Principal[..(Principal.LastIndexOf('@') is var at and > 0 ? at : Principal.Length)];
}

/// <summary>Reads <see cref="KerberosIdentity"/> for Destination Details. Local files only; never contacts a KDC.</summary>
public interface IKerberosIdentityReader
{
    KerberosIdentity Read();
}

internal sealed class KerberosIdentityReader : IKerberosIdentityReader
{
    public KerberosIdentity Read() => KerberosCredentials.ReadIdentity();
}
