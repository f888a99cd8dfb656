using System.Runtime.InteropServices;
using System.Text;
using static DestinationPortal.Core.ConnectionTesting.KerberosNativeMethods;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// The portal's side of Kerberos, done directly against MIT Kerberos so that failures have names. Npgsql reports every
/// client-side Kerberos failure as "UnknownCredentials" or "GenericFailure"; MIT's status codes tell "no ticket" from
/// "KDC unreachable" from "unknown service principal". Linux only (the portal's supported platform and container).
/// </summary>
internal static class KerberosClient
{
    // MIT krb5 error codes (krb5_err.et; verified with krb5_get_error_message against libkrb5 1.20).
    private const int MatchingCredentialNotFound = -1765328243; // KRB5_CC_NOTFOUND, shown by GSSAPI as "No Kerberos credentials available"
    private const int NoCredentialsCache = -1765328189;         // KRB5_FCC_NOFILE
    private const int CannotContactKdc = -1765328228;           // KRB5_KDC_UNREACH
    private const int CannotResolveKdcAddress = -1765328164;    // "Cannot resolve network address for KDC in requested realm"
    private const int CannotFindKdcForRealm = -1765328230;      // "Cannot find KDC for requested realm"
    private const int NoDefaultRealm = -1765328160;             // KRB5_CONFIG_NODEFREALM
    private const int CannotDetermineRealmForHost = -1765328167;
    private const int ServerNotFound = -1765328377;             // KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN
    private const int ClientNotFound = -1765328378;             // KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN
    private const int ClientRevoked = -1765328366;
    private const int PasswordExpired = -1765328361;
    private const int PreauthenticationFailed = -1765328360;    // the keytab's key is not the KDC's (re-keyed principal)
    private const int TicketExpired = -1765328352;

    // GSS major status codes (RFC 2744).
    private const uint GssComplete = 0;
    private const uint GssContinueNeeded = 1;
    private const uint GssNoCredentials = 7 << 16;
    private const uint GssCredentialsExpired = 11 << 16;
    private const int GssCode = 1;
    private const int MechanismCode = 2;

    // GSS_C_NT_HOSTBASED_SERVICE (1.2.840.113554.1.2.1.4) and the Kerberos 5 mechanism (1.2.840.113554.1.2.2), DER bodies.
    private static readonly IntPtr s_hostBasedServiceName = AllocateOid([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x01, 0x04]);
    private static readonly IntPtr s_kerberosMechanism = AllocateOid([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02]);

    /// <summary>
    /// Takes the first step of a Kerberos context for <paramref name="servicePrincipalName"/> ("postgres/db.example.com")
    /// exactly as Npgsql's NegotiateAuthentication does (host-based name service@host, default credentials): gets a TGT
    /// from the keytab when needed, then a service ticket from the KDC. The token is discarded; the server never sees it.
    /// The tickets land in the process's credential cache, so Npgsql's own attempt reuses them.
    /// Blocks on the KDC's answer; call it off the request thread.
    /// </summary>
    public static ServiceTicketResult RequestServiceTicket(string servicePrincipalName)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new ServiceTicketResult(KerberosProblem.Unavailable, null, 0, "not Linux");
        }

        try
        {
            return RequestServiceTicketFromLibrary(servicePrincipalName);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return new ServiceTicketResult(KerberosProblem.LibraryMissing, null, 0,
                Localization.ConnectionTestText.Localizer["Kerberos.LibraryMissing"]);
        }
    }

    private static ServiceTicketResult RequestServiceTicketFromLibrary(string servicePrincipalName)
    {
        // .NET's Negotiate turns "service/host" into the host-based name "service@host"; do the same so both ask the KDC
        // for the same principal (with the realm from krb5.conf's domain_realm, or the default realm).
        var slash = servicePrincipalName.IndexOf('/', StringComparison.Ordinal);
        var hostBased = slash < 0 ? servicePrincipalName : servicePrincipalName[..slash] + "@" + servicePrincipalName[(slash + 1)..];
        var bytes = Encoding.UTF8.GetBytes(hostBased);
        var nameBuffer = new GssBuffer { Length = (nuint)bytes.Length, Value = Marshal.AllocHGlobal(bytes.Length) };
        var target = IntPtr.Zero;
        var context = IntPtr.Zero;
        var token = default(GssBuffer);
        try
        {
            Marshal.Copy(bytes, 0, nameBuffer.Value, bytes.Length);
            var major = gss_import_name(out var minor, ref nameBuffer, s_hostBasedServiceName, out target);
            if (IsError(major))
            {
                return new ServiceTicketResult(KerberosProblem.Other, null, (int)minor, StatusText(major, minor));
            }

            // No mutual-authentication flag: without it the context completes in this one call, so its client name can
            // be read. The flags do not change which tickets are fetched.
            major = gss_init_sec_context(out minor, IntPtr.Zero, ref context, target, s_kerberosMechanism, 0, 0,
                IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, ref token, IntPtr.Zero, IntPtr.Zero);
            if (IsError(major))
            {
                return new ServiceTicketResult(Classify(major, (int)minor), null, (int)minor, StatusText(major, minor));
            }

            return new ServiceTicketResult(KerberosProblem.None, major is GssComplete or GssContinueNeeded ? ClientName(context) : null, 0, "");
        }
        finally
        {
            if (token.Value != IntPtr.Zero)
            {
                _ = gss_release_buffer(out _, ref token);
            }

            if (context != IntPtr.Zero)
            {
                _ = gss_delete_sec_context(out _, ref context, IntPtr.Zero);
            }

            if (target != IntPtr.Zero)
            {
                _ = gss_release_name(out _, ref target);
            }

            Marshal.FreeHGlobal(nameBuffer.Value);
        }
    }

    private static KerberosProblem Classify(uint major, int minor) => minor switch
    {
        MatchingCredentialNotFound or NoCredentialsCache => KerberosProblem.NoCredentials,
        CannotContactKdc or CannotResolveKdcAddress => KerberosProblem.KdcUnreachable,
        CannotFindKdcForRealm or NoDefaultRealm or CannotDetermineRealmForHost => KerberosProblem.RealmNotConfigured,
        ServerNotFound => KerberosProblem.UnknownServicePrincipal,
        ClientNotFound or ClientRevoked or PasswordExpired or PreauthenticationFailed or TicketExpired => KerberosProblem.ClientCredentialsRejected,
        _ when (major & 0x00ff0000) == GssCredentialsExpired => KerberosProblem.ClientCredentialsRejected,
        _ when (major & 0x00ff0000) == GssNoCredentials => KerberosProblem.NoCredentials,
        _ => KerberosProblem.Other,
    };

    private static string? ClientName(IntPtr context)
    {
        if (IsError(gss_inquire_context(out _, context, out var source, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero)))
        {
            return null;
        }

        var text = default(GssBuffer);
        try
        {
            return IsError(gss_display_name(out _, source, ref text, IntPtr.Zero)) ? null : Marshal.PtrToStringUTF8(text.Value, (int)text.Length);
        }
        finally
        {
            if (text.Value != IntPtr.Zero)
            {
                _ = gss_release_buffer(out _, ref text);
            }

            _ = gss_release_name(out _, ref source);
        }
    }

    /// <summary>MIT's own wording for both halves of a GSS status ("Cannot contact any KDC for realm 'EXAMPLE.COM'").</summary>
    private static string StatusText(uint major, uint minor)
    {
        var minorText = minor != 0 ? DisplayStatus(minor, MechanismCode) : null;
        return minorText is { Length: > 0 } ? minorText : DisplayStatus(major, GssCode) ?? $"GSS status 0x{major:x8}";
    }

    private static string? DisplayStatus(uint status, int type)
    {
        uint messageContext = 0;
        var text = default(GssBuffer);
        try
        {
            return IsError(gss_display_status(out _, status, type, IntPtr.Zero, ref messageContext, ref text)) || text.Value == IntPtr.Zero
                ? null
                : Marshal.PtrToStringUTF8(text.Value, (int)text.Length);
        }
        finally
        {
            if (text.Value != IntPtr.Zero)
            {
                _ = gss_release_buffer(out _, ref text);
            }
        }
    }

    private static bool IsError(uint major) => (major & 0xffff0000) != 0;

    /// <summary>A gss_OID_desc { OM_uint32 length; void *elements; } that lives as long as the process.</summary>
    private static IntPtr AllocateOid(byte[] der)
    {
        var elements = Marshal.AllocHGlobal(der.Length);
        Marshal.Copy(der, 0, elements, der.Length);
        var oid = Marshal.AllocHGlobal(2 * IntPtr.Size);
        Marshal.WriteInt32(oid, der.Length);
        Marshal.WriteIntPtr(oid, IntPtr.Size, elements);
        return oid;
    }
}
