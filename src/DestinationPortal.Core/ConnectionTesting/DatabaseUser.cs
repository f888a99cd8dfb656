using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// The database user a run asks for, decided before any stage: the probe's startup message and Npgsql's login must
/// carry the same user so that both ask the server the same question.
/// <see cref="Kerberos"/> is, with Windows Authentication, the principal the portal's process authenticates as;
/// <see cref="Origin"/> says where <see cref="Name"/> came from, in the words of the report.
/// </summary>
internal sealed record DatabaseUser(string Name, KerberosIdentity? Kerberos, string Origin)
{
    /// <summary>
    /// With Windows Authentication and no Username, the database user is the principal's name without its realm: what
    /// Npgsql picks too.
    /// </summary>
    public static DatabaseUser Choose(DestinationDefinition destination)
    {
        var kerberos = destination.WindowsAuthentication ? KerberosCredentials.ReadIdentity() : null;
        if (destination.Username.Length > 0)
        {
            return new DatabaseUser(destination.Username, kerberos, DestinationField.Username.Label);
        }

        return kerberos?.DefaultDatabaseUser is { } principalUser
            ? new DatabaseUser(principalUser, kerberos, Localization.ConnectionTestText.Localizer["Kerberos.UserOrigin.Principal"])
            : new DatabaseUser(Environment.UserName, kerberos, Localization.ConnectionTestText.Localizer["Kerberos.UserOrigin.OsAccount"]);
    }
}
