using System.Runtime.InteropServices;
using DestinationPortal.Core.Localization;
using static DestinationPortal.Core.ConnectionTesting.KerberosNativeMethods;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Reads which Kerberos principal the portal's process would authenticate as, from MIT Kerberos's local files (ticket
/// cache, client keytab). Never contacts a KDC; asking the KDC is <see cref="KerberosClient"/>'s job.
/// </summary>
internal static class KerberosCredentials
{
    private static Microsoft.Extensions.Localization.IStringLocalizer T => ConnectionTestText.Localizer;

    private const int KeytabEnd = -1765328202;                  // KRB5_KT_END: no (more) entries

    /// <summary>
    /// The principal the process would authenticate as: the default ticket cache's, else the client keytab's first entry
    /// (the order MIT GSSAPI uses). Reads local files only; never contacts a KDC, so it is safe to call while rendering.
    /// </summary>
    public static KerberosIdentity ReadIdentity()
    {
        if (!OperatingSystem.IsLinux())
        {
            return new KerberosIdentity(null, T["Kerberos.Identity.NotLinux"]);
        }

        try
        {
            return ReadIdentityFromLibrary();
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return new KerberosIdentity(null, T["Kerberos.Identity.LibraryMissing"]);
        }
    }

    private static KerberosIdentity ReadIdentityFromLibrary()
    {
        if (krb5_init_context(out var context) is var initError and not 0)
        {
            return new KerberosIdentity(null, T["Kerberos.Identity.CouldNotStart", initError]);
        }

        try
        {
            string cacheName = T["Kerberos.Identity.DefaultCache"], cacheProblem;
            if (krb5_cc_default(context, out var cache) is var cacheError and not 0)
            {
                cacheProblem = ErrorMessage(context, cacheError);
            }
            else
            {
                try
                {
                    if (krb5_cc_get_full_name(context, cache, out var fullName) == 0)
                    {
                        cacheName = Marshal.PtrToStringUTF8(fullName) ?? cacheName;
                        krb5_free_string(context, fullName);
                    }

                    if (krb5_cc_get_principal(context, cache, out var principal) is var principalError and not 0)
                    {
                        cacheProblem = ErrorMessage(context, principalError);
                    }
                    else
                    {
                        return new KerberosIdentity(Unparse(context, principal), T["Kerberos.Identity.FromCache", cacheName]);
                    }
                }
                finally
                {
                    _ = krb5_cc_close(context, cache);
                }
            }

            var (keytabPrincipal, keytabName, keytabProblem) = ReadClientKeytab(context);
            return keytabPrincipal is not null
                ? new KerberosIdentity(keytabPrincipal, T["Kerberos.Identity.FromKeytab", keytabName])
                : new KerberosIdentity(null, T["Kerberos.Identity.NoneFound", cacheName, cacheProblem, keytabName, keytabProblem ?? ""]);
        }
        finally
        {
            krb5_free_context(context);
        }
    }

    private static (string? Principal, string Name, string? Problem) ReadClientKeytab(IntPtr context)
    {
        if (krb5_kt_client_default(context, out var keytab) is var keytabError and not 0)
        {
            return (null, T["Kerberos.Identity.DefaultKeytab"], ErrorMessage(context, keytabError));
        }

        // A krb5_keytab_entry is { krb5_magic; krb5_principal; krb5_timestamp; krb5_kvno; krb5_keyblock }: the principal
        // pointer follows a 32-bit field and is pointer-aligned, so it sits at offset IntPtr.Size. 256 bytes is more than
        // the struct on any ABI.
        var entry = Marshal.AllocHGlobal(256);
        var nameBuffer = Marshal.AllocHGlobal(1024);
        try
        {
            var name = krb5_kt_get_name(context, keytab, nameBuffer, 1024) == 0
                ? Marshal.PtrToStringUTF8(nameBuffer) ?? T["Kerberos.Identity.DefaultKeytab"]
                : T["Kerberos.Identity.DefaultKeytab"];
            if (krb5_kt_start_seq_get(context, keytab, out var cursor) is var startError and not 0)
            {
                return (null, name, ErrorMessage(context, startError));
            }

            try
            {
                Marshal.Copy(new byte[256], 0, entry, 256);
                if (krb5_kt_next_entry(context, keytab, entry, ref cursor) is var nextError and not 0)
                {
                    return (null, name, nextError == KeytabEnd ? T["Kerberos.Identity.KeytabEmpty"] : ErrorMessage(context, nextError));
                }

                try
                {
                    return (UnparseBorrowed(context, Marshal.ReadIntPtr(entry, IntPtr.Size)), name, null);
                }
                finally
                {
                    _ = krb5_free_keytab_entry_contents(context, entry);
                }
            }
            finally
            {
                _ = krb5_kt_end_seq_get(context, keytab, ref cursor);
            }
        }
        finally
        {
            Marshal.FreeHGlobal(nameBuffer);
            Marshal.FreeHGlobal(entry);
            _ = krb5_kt_close(context, keytab);
        }
    }

    private static string Unparse(IntPtr context, IntPtr principal)
    {
        try
        {
            return UnparseBorrowed(context, principal);
        }
        finally
        {
            krb5_free_principal(context, principal);
        }
    }

    private static string UnparseBorrowed(IntPtr context, IntPtr principal)
    {
        if (krb5_unparse_name(context, principal, out var name) != 0)
        {
            return T["Kerberos.Identity.Undisplayable"];
        }

        try
        {
            return Marshal.PtrToStringUTF8(name) ?? "";
        }
        finally
        {
            krb5_free_unparsed_name(context, name);
        }
    }

    private static string ErrorMessage(IntPtr context, int code)
    {
        var message = krb5_get_error_message(context, code);
        try
        {
            return Marshal.PtrToStringUTF8(message) ?? T["Kerberos.Identity.ErrorCode", code];
        }
        finally
        {
            krb5_free_error_message(context, message);
        }
    }
}
