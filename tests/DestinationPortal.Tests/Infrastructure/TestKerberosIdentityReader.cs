using DestinationPortal.Core.ConnectionTesting;

namespace DestinationPortal.Tests.Infrastructure;

/// <summary>A settable stand-in for the portal's Kerberos credentials, so component tests never read the test machine's.</summary>
public sealed class TestKerberosIdentityReader : IKerberosIdentityReader
{
    public KerberosIdentity Identity { get; set; } = new("portal@EXAMPLE.TEST", "client keytab FILE:/run/secrets/portal.keytab");

    public int Reads { get; private set; }

    public KerberosIdentity Read()
    {
        Reads++;
        return Identity;
    }
}
