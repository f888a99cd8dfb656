namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>What went wrong in the portal's own Kerberos step, before the database server saw anything.</summary>
internal enum KerberosProblem
{
    None,

    /// <summary>No ticket in the cache and no client keytab (or an empty one).</summary>
    NoCredentials,

    /// <summary>The realm's KDC did not answer (refused, unreachable, its name does not resolve).</summary>
    KdcUnreachable,

    /// <summary>The portal host's krb5.conf does not say which realm or KDC to use.</summary>
    RealmNotConfigured,

    /// <summary>The KDC does not know the service principal asked for.</summary>
    UnknownServicePrincipal,

    /// <summary>The KDC refused the portal's own credentials (unknown client, wrong key, expired ticket or password).</summary>
    ClientCredentialsRejected,

    /// <summary>Any other Kerberos error; the message says which.</summary>
    Other,

    /// <summary>Linux without MIT's GSSAPI library: Npgsql's Kerberos cannot work either.</summary>
    LibraryMissing,

    /// <summary>Not Linux: the step was not taken, and Npgsql's own attempt reports what it can.</summary>
    Unavailable,
}

/// <summary>The outcome of asking for a service ticket the way Npgsql will. <see cref="Message"/> is MIT's own text.</summary>
internal sealed record ServiceTicketResult(KerberosProblem Problem, string? ClientPrincipal, int MinorStatus, string Message)
{
    public bool Succeeded => Problem == KerberosProblem.None;
}
