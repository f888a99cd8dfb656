using System.Runtime.InteropServices;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// The MIT Kerberos C API, as far as <see cref="KerberosClient"/> needs it. These are the libraries .NET itself loads
/// for Negotiate on Linux (libgssapi_krb5.so.2 depends on libkrb5.so.3), so calling them adds no dependency, and they read
/// KRB5_CONFIG, KRB5CCNAME and KRB5_CLIENT_KTNAME from the same process environment Npgsql's Kerberos uses.
/// Every signature is blittable (handles as IntPtr, status codes as int/uint), so the source-generated stubs
/// ([LibraryImport]) marshal nothing and need no runtime IL stub.
/// </summary>
internal static partial class KerberosNativeMethods
{
    private const string Krb5 = "libkrb5.so.3";
    private const string GssApi = "libgssapi_krb5.so.2";

    [StructLayout(LayoutKind.Sequential)]
    public struct GssBuffer
    {
        public nuint Length;
        public IntPtr Value;
    }

    // libkrb5: reading the default credential cache and client keytab (no network).

    [LibraryImport(Krb5)]
    public static partial int krb5_init_context(out IntPtr context);

    [LibraryImport(Krb5)]
    public static partial void krb5_free_context(IntPtr context);

    [LibraryImport(Krb5)]
    public static partial IntPtr krb5_get_error_message(IntPtr context, int code);

    [LibraryImport(Krb5)]
    public static partial void krb5_free_error_message(IntPtr context, IntPtr message);

    [LibraryImport(Krb5)]
    public static partial int krb5_cc_default(IntPtr context, out IntPtr cache);

    [LibraryImport(Krb5)]
    public static partial int krb5_cc_get_full_name(IntPtr context, IntPtr cache, out IntPtr fullName);

    [LibraryImport(Krb5)]
    public static partial void krb5_free_string(IntPtr context, IntPtr value);

    [LibraryImport(Krb5)]
    public static partial int krb5_cc_get_principal(IntPtr context, IntPtr cache, out IntPtr principal);

    [LibraryImport(Krb5)]
    public static partial int krb5_cc_close(IntPtr context, IntPtr cache);

    [LibraryImport(Krb5)]
    public static partial int krb5_kt_client_default(IntPtr context, out IntPtr keytab);

    [LibraryImport(Krb5)]
    public static partial int krb5_kt_get_name(IntPtr context, IntPtr keytab, IntPtr name, uint nameLength);

    [LibraryImport(Krb5)]
    public static partial int krb5_kt_start_seq_get(IntPtr context, IntPtr keytab, out IntPtr cursor);

    /// <summary><paramref name="entry"/> points to a caller-allocated krb5_keytab_entry.</summary>
    [LibraryImport(Krb5)]
    public static partial int krb5_kt_next_entry(IntPtr context, IntPtr keytab, IntPtr entry, ref IntPtr cursor);

    [LibraryImport(Krb5)]
    public static partial int krb5_kt_end_seq_get(IntPtr context, IntPtr keytab, ref IntPtr cursor);

    [LibraryImport(Krb5)]
    public static partial int krb5_free_keytab_entry_contents(IntPtr context, IntPtr entry);

    [LibraryImport(Krb5)]
    public static partial int krb5_kt_close(IntPtr context, IntPtr keytab);

    [LibraryImport(Krb5)]
    public static partial int krb5_unparse_name(IntPtr context, IntPtr principal, out IntPtr name);

    [LibraryImport(Krb5)]
    public static partial void krb5_free_unparsed_name(IntPtr context, IntPtr name);

    [LibraryImport(Krb5)]
    public static partial void krb5_free_principal(IntPtr context, IntPtr principal);

    // GSSAPI: the first step of a Kerberos context, as Npgsql's NegotiateAuthentication takes it.

    [LibraryImport(GssApi)]
    public static partial uint gss_import_name(out uint minorStatus, ref GssBuffer name, IntPtr nameType, out IntPtr outputName);

    [LibraryImport(GssApi)]
    public static partial uint gss_init_sec_context(
        out uint minorStatus,
        IntPtr credential,
        ref IntPtr context,
        IntPtr targetName,
        IntPtr mechanism,
        uint requestFlags,
        uint timeRequested,
        IntPtr channelBindings,
        IntPtr inputToken,
        IntPtr actualMechanism,
        ref GssBuffer outputToken,
        IntPtr returnFlags,
        IntPtr timeReceived);

    [LibraryImport(GssApi)]
    public static partial uint gss_inquire_context(
        out uint minorStatus,
        IntPtr context,
        out IntPtr sourceName,
        IntPtr targetName,
        IntPtr lifetime,
        IntPtr mechanism,
        IntPtr flags,
        IntPtr locallyInitiated,
        IntPtr open);

    [LibraryImport(GssApi)]
    public static partial uint gss_display_name(out uint minorStatus, IntPtr name, ref GssBuffer text, IntPtr nameType);

    [LibraryImport(GssApi)]
    public static partial uint gss_display_status(out uint minorStatus, uint status, int statusType, IntPtr mechanism, ref uint messageContext, ref GssBuffer text);

    [LibraryImport(GssApi)]
    public static partial uint gss_release_buffer(out uint minorStatus, ref GssBuffer buffer);

    [LibraryImport(GssApi)]
    public static partial uint gss_release_name(out uint minorStatus, ref IntPtr name);

    [LibraryImport(GssApi)]
    public static partial uint gss_delete_sec_context(out uint minorStatus, ref IntPtr context, IntPtr outputToken);
}
