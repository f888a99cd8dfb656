using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.Kerberos;

/// <summary>
/// Windows Authentication against a real KDC and a PostgreSQL server in its realm. Every test runs the tester in a
/// child process with its own Kerberos environment (<see cref="ConnectionTestProcess"/>) and a fresh ticket cache.
/// </summary>
[Collection(KerberosTestGroup.Name)]
public sealed class WindowsAuthenticationTests(KerberosServers kerberos)
{
    private const string Realm = KerberosRealm.Name;
    private const string AnyAuthenticatedConnection = "connection authenticated: identity=";

    [Fact]
    public async Task RunAsync_PortalHasKeytab_AuthenticatesWithoutPasswordAndNamesPrincipalSpnAndMappedUser()
    {
        const string kerberosLogin = $"{AnyAuthenticatedConnection}\"portal@{Realm}\" method=gss";
        var before = await kerberos.Server.CountLogLinesAsync(AnyAuthenticatedConnection);
        var kerberosBefore = await kerberos.Server.CountLogLinesAsync(kerberosLogin);

        var run = await ConnectionTestProcess.RunAsync(Destination(TlsMode.Disable), Portal(kerberos.PortalKeytab), password: null);

        var outcome = Outcome(run.Events);
        Assert.True(outcome.Succeeded && outcome.Category is null, run.Report);
        var authentication = Last(run.Events, ConnectionTestStage.Authentication);
        Assert.Equal("GSSAPI (Kerberos)", Detail(authentication, "Method requested by the server"));
        Assert.Equal($"{KerberosServers.ServiceName}/{KerberosServers.ServerName}", Detail(authentication, "Kerberos service principal"));
        Assert.Equal($"portal@{Realm}", Detail(authentication, "Client principal"));
        Assert.Equal("portal (from the principal, without its realm)", Detail(authentication, "Database user requested"));
        Assert.Equal("GSS-encrypted", Detail(authentication, "Session encryption"));
        var database = Last(run.Events, ConnectionTestStage.Database);
        Assert.Equal($"portal@{Realm} → portal", Detail(database, "Kerberos principal mapped to database user"));
        // No TLS in this mode, so Kerberos encrypts the session; the server's own view agrees.
        Assert.Equal("GSS-encrypted", Detail(database, "Session encryption"));
        Assert.Equal($"authenticated as portal@{Realm}, GSS-encrypted", Detail(database, "GSSAPI seen by the server (pg_stat_gssapi)"));
        Assert.Contains($"Kerberos principal portal@{Realm} mapped to database user portal", outcome.Explanation, StringComparison.Ordinal);
        // The probe sends no credential: the server saw exactly one authentication, and it was Kerberos.
        Assert.Equal(before + 1, await kerberos.Server.CountLogLinesAsync(AnyAuthenticatedConnection));
        Assert.Equal(kerberosBefore + 1, await kerberos.Server.CountLogLinesAsync(kerberosLogin));
    }

    [Fact]
    public async Task RunAsync_TlsRequired_AuthenticatesWithKerberosInsideTls()
    {
        var run = await ConnectionTestProcess.RunAsync(Destination(TlsMode.Require), Portal(kerberos.PortalKeytab));

        Assert.True(Outcome(run.Events).Succeeded, run.Report);
        var database = Last(run.Events, ConnectionTestStage.Database);
        Assert.Equal("TLS-encrypted", Detail(database, "Session encryption"));
        Assert.Equal($"authenticated as portal@{Realm}, not GSS-encrypted", Detail(database, "GSSAPI seen by the server (pg_stat_gssapi)"));
        Assert.NotEqual("not encrypted", Detail(database, "TLS seen by the server (pg_stat_ssl)"));
    }

    [Fact]
    public async Task RunAsync_PrivateEndpoint_AsksForTheServerNamesPrincipalAndVerifiesItsCertificate()
    {
        var destination = Destination(TlsMode.VerifyFull, server: KerberosServers.PrivateServerName, privateEndpoint: "127.0.0.1") with
        {
            CaCertificatePem = kerberos.Certificates.Ca.CertificatePem,
        };

        var run = await ConnectionTestProcess.RunAsync(destination, Portal(kerberos.PortalKeytab));

        Assert.True(Outcome(run.Events).Succeeded, run.Report);
        Assert.Equal("127.0.0.1", Detail(Last(run.Events, ConnectionTestStage.NameResolution), "Host used"));
        Assert.Equal($"{KerberosServers.ServiceName}/{KerberosServers.PrivateServerName}",
            Detail(Last(run.Events, ConnectionTestStage.Authentication), "Kerberos service principal"));
        Assert.Equal("TLS-encrypted", Detail(Last(run.Events, ConnectionTestStage.Database), "Session encryption"));
    }

    [Fact]
    public async Task RunAsync_NoKerberosCredentialsOnPortalHost_SaysSoAndNeverAuthenticates()
    {
        var before = await kerberos.Server.CountLogLinesAsync(AnyAuthenticatedConnection);

        var run = await ConnectionTestProcess.RunAsync(Destination(TlsMode.Disable), Portal(kerberos.MissingKeytab));

        AssertKerberosFailure(run, ConnectionTestCategory.Authentication, nameof(DestinationInput.WindowsAuthentication), "the portal host");
        var explanation = Outcome(run.Events).Explanation;
        Assert.Contains("no Kerberos credentials", explanation, StringComparison.Ordinal);
        Assert.Contains(kerberos.MissingKeytab, explanation, StringComparison.Ordinal);
        Assert.Contains("KRB5_CLIENT_KTNAME", explanation, StringComparison.Ordinal);
        Assert.Equal(before, await kerberos.Server.CountLogLinesAsync(AnyAuthenticatedConnection));
    }

    [Fact]
    public async Task RunAsync_NoKerberosCredentialsUnderGerman_SaysSoInGermanWithTheSameVerdict()
    {
        var run = await ConnectionTestProcess.RunAsync(Destination(TlsMode.Disable), Portal(kerberos.MissingKeytab), language: "de_DE.UTF-8");

        var outcome = Outcome(run.Events);
        Assert.True(outcome is { Succeeded: false, ProblemStage: ConnectionTestStage.Authentication, Category: ConnectionTestCategory.Authentication }
            && outcome.FieldToFix == nameof(DestinationInput.WindowsAuthentication), run.Report);
        Assert.StartsWith("Der Portal-Host hat keine Kerberos-Anmeldedaten: kein Ticket in ", outcome.Explanation, StringComparison.Ordinal);
        Assert.Contains("keine Client-Keytab unter ", outcome.Explanation, StringComparison.Ordinal);
        Assert.Contains(kerberos.MissingKeytab, outcome.Explanation, StringComparison.Ordinal);
        Assert.Contains("KRB5_CLIENT_KTNAME", outcome.Explanation, StringComparison.Ordinal);
        var authentication = Last(run.Events, ConnectionTestStage.Authentication);
        Assert.Equal($"{KerberosServers.ServiceName}/{KerberosServers.ServerName}", Detail(authentication, "Kerberos-Dienstprinzipal"));
        Assert.StartsWith("keine: kein Ticket in ", Detail(authentication, "Kerberos-Anmeldedaten des Portals"), StringComparison.Ordinal);
        Assert.Contains(authentication.Details, d => d.Value == "der Portal-Host");
        Assert.StartsWith("Das KDC wird mit den eigenen Kerberos-Anmeldedaten des Portals um ein Ticket für ",
            run.Events.First(e => e.Stage == ConnectionTestStage.Authentication && e.Status == ConnectionTestStatus.Running && e.Message.Contains("KDC", StringComparison.Ordinal)).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_KdcUnreachable_BlamesTheKdcAndNotTheCredentials()
    {
        // The realm's configuration with its KDC on a closed port, and a fresh ticket cache: "the KDC is down".
        var run = await ConnectionTestProcess.RunAsync(Destination(TlsMode.Disable), Portal(kerberos.PortalKeytab, kerberos.Realm.UnreachableKdcConfigFile));

        AssertKerberosFailure(run, ConnectionTestCategory.Network, field: null, "the KDC, or the network between the portal host and the KDC");
        Assert.Contains("Cannot contact any KDC", Detail(Last(run.Events, ConnectionTestStage.Authentication), "Kerberos error"), StringComparison.Ordinal);
        Assert.DoesNotContain("no Kerberos credentials", Outcome(run.Events).Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WrongKerberosServiceName_NamesTheUnknownPrincipalAndTheField()
    {
        var run = await ConnectionTestProcess.RunAsync(Destination(TlsMode.Disable, serviceName: "pgsql"), Portal(kerberos.PortalKeytab));

        AssertKerberosFailure(run, ConnectionTestCategory.Authentication, nameof(DestinationInput.KerberosServiceName),
            "the form (Kerberos service name, Server Name), or the KDC");
        Assert.Contains($"pgsql/{KerberosServers.ServerName}", Outcome(run.Events).Explanation, StringComparison.Ordinal);
        Assert.Contains("not found in Kerberos database", Detail(Last(run.Events, ConnectionTestStage.Authentication), "Kerberos error"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TlsMode.Disable)] // the ticket goes in the GSS encryption handshake
    [InlineData(TlsMode.Require)] // the ticket goes in GSS authentication inside TLS
    public async Task RunAsync_ServerKeytabLacksTheKey_SaysTheServerRejectedTheTicket(TlsMode mode)
    {
        const string keytabLine = $"postgres/{KerberosServers.UnkeyedServerName}@{Realm} not found in keytab";
        var before = await kerberos.Server.CountLogLinesAsync(keytabLine);

        var run = await ConnectionTestProcess.RunAsync(
            Destination(mode, server: KerberosServers.UnkeyedServerName, privateEndpoint: "127.0.0.1"), Portal(kerberos.PortalKeytab));

        AssertKerberosFailure(run, ConnectionTestCategory.Authentication, field: null, "the database server (krb_server_keyfile)");
        Assert.Contains("rejected the portal's Kerberos ticket", Outcome(run.Events).Explanation, StringComparison.Ordinal);
        Assert.True(await kerberos.Server.CountLogLinesAsync(keytabLine) > before, "The server's log should name the key it missed.");
    }

    [Fact]
    public async Task RunAsync_PrincipalWithoutRole_SaysTheDatabaseUserDoesNotExist()
    {
        var run = await ConnectionTestProcess.RunAsync(Destination(TlsMode.Disable), Portal(kerberos.RolelessKeytab));

        AssertKerberosFailure(run, ConnectionTestCategory.Authentication, field: null, "the database server (roles, pg_ident.conf)");
        var outcome = Outcome(run.Events);
        Assert.Equal("28000", outcome.SqlState);
        Assert.Contains($"accepted the Kerberos ticket of nobody@{Realm}, but database user nobody does not exist", outcome.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PrincipalNotMappedToRequestedUser_PointsAtPgHbaAndUsername()
    {
        // Username chooses the role; the server's gss rule (include_realm=0, no map) allows only the principal's own name.
        var run = await ConnectionTestProcess.RunAsync(Destination(TlsMode.Disable, username: KerberosServers.PortalUser), Portal(kerberos.RolelessKeytab));

        AssertKerberosFailure(run, ConnectionTestCategory.Authentication, nameof(DestinationInput.Username), "the database server (pg_hba.conf, pg_ident.conf)");
        Assert.Equal("28000", Outcome(run.Events).SqlState);
        Assert.Equal("GSSAPI authentication failed for user \"portal\"", Detail(Last(run.Events, ConnectionTestStage.Authentication), "Server message"));
    }

    [Fact]
    public async Task RunAsync_ServerAsksForPassword_SaysTheServerIsNotSetUpForKerberos()
    {
        const string passwordFailure = $"password authentication failed for user \"{KerberosServers.PasswordOnlyUser}\"";
        var before = await kerberos.Server.CountLogLinesAsync(passwordFailure);

        var run = await ConnectionTestProcess.RunAsync(Destination(TlsMode.Require), Portal(kerberos.PasswordOnlyKeytab));

        AssertKerberosFailure(run, ConnectionTestCategory.Authentication, nameof(DestinationInput.WindowsAuthentication),
            "the database server (pg_hba.conf), or the form");
        Assert.Equal("SCRAM-SHA-256-PLUS", Detail(Last(run.Events, ConnectionTestStage.Authentication), "Method requested by the server"));
        Assert.Contains("not set up for Kerberos", Outcome(run.Events).Explanation, StringComparison.Ordinal);
        // Nothing was sent: no failed password attempt on the server.
        Assert.Equal(before, await kerberos.Server.CountLogLinesAsync(passwordFailure));
    }

    private PortalKerberosEnvironment Portal(string clientKeytab, string? configFile = null) => new(configFile ?? kerberos.Realm.ConfigFile, clientKeytab);

    private DestinationDefinition Destination(
        TlsMode tls,
        string server = KerberosServers.ServerName,
        string? privateEndpoint = null,
        string serviceName = KerberosServers.ServiceName,
        string username = "") =>
        new("Kerberos destination", PostgreSqlDestinationType.Id, server, tls, privateEndpoint, kerberos.Server.Port,
            WindowsAuthentication: true, username, "postgres", CaCertificatePem: null, TimeoutSeconds: 10, serviceName);

    private static void AssertKerberosFailure(HostRun run, ConnectionTestCategory category, string? field, string whereToFix)
    {
        var outcome = Outcome(run.Events);
        Assert.False(outcome.Succeeded, run.Report);
        Assert.True(outcome.ProblemStage == ConnectionTestStage.Authentication && outcome.Category == category && outcome.FieldToFix == field,
            $"Expected Authentication/{category}/{field ?? "no field"}, got {outcome.ProblemStage}/{outcome.Category}/{outcome.FieldToFix ?? "no field"}.\n{run.Report}");
        Assert.Equal(whereToFix, Detail(Last(run.Events, ConnectionTestStage.Authentication), "Where to fix"));
    }
}
