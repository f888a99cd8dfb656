using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using Npgsql;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

[Collection(PostgreSqlTestGroup.Name)]
public sealed class AuthenticationScenarioTests(PostgreSqlServers servers)
{
    [Theory]
    [InlineData(TlsMode.Prefer)]
    [InlineData(TlsMode.Allow)]
    [InlineData(TlsMode.Require)]
    [InlineData(TlsMode.Disable)]
    public async Task RunAsync_WrongPassword_CostsExactlyOneFailedAuthentication(TlsMode mode)
    {
        const string logLine = $"password authentication failed for user \"{TestRoles.Scram}\"";
        var before = await servers.Tls.CountLogLinesAsync(logLine);

        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Scram, mode), "Wrong-canary-pass-2");

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.Authentication, nameof(DestinationInput.Password));
        Assert.Equal("28P01", Outcome(events).SqlState);
        // The server writes its log line before it sends the error, so the count is final when the run ends.
        Assert.Equal(before + 1, await servers.Tls.CountLogLinesAsync(logLine));
    }

    [Fact]
    public async Task RunAsync_SuccessfulTestOverTls_LeavesNoConnectionErrorInTheServerLog()
    {
        // What a backend logs when its TLS client goes away without Npgsql's Terminate. (Without TLS PostgreSQL logs such
        // an end only inside a transaction, so only TLS can show it.)
        string[] connectionErrors = ["could not receive data from client", "unexpected EOF", "SSL error", "SSL SYSCALL error"];
        var server = servers.Tls;
        await WaitUntilNoTestBackendAsync(server);
        var before = await CountAsync(server, connectionErrors);

        var events = await RunAsync(Destination(server.Port, TestRoles.Scram, TlsMode.Require), TestRoles.ScramPassword);

        AssertSucceeded(events);
        // The backend logs when it notices the hang-up, which may be after the run has ended: wait until it has gone.
        await WaitUntilNoTestBackendAsync(server);
        Assert.Equal(before, await CountAsync(server, connectionErrors));
    }

    [Fact]
    public async Task RunAsync_NoPasswordForScramUser_FailsBeforeSendingAnyCredential()
    {
        const string logLine = $"password authentication failed for user \"{TestRoles.Scram}\"";
        var before = await servers.NoTls.CountLogLinesAsync(logLine);

        var events = await RunAsync(Destination(servers.NoTls.Port, TestRoles.Scram, TlsMode.Prefer), password: null);

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.Authentication, nameof(DestinationInput.Password));
        Assert.Equal(before, await servers.NoTls.CountLogLinesAsync(logLine));
    }

    [Fact]
    public async Task RunAsync_Md5User_SucceedsWithDeprecationWarning()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Md5, TlsMode.Require), TestRoles.Md5Password);

        AssertSucceeded(events);
        var authentication = Last(events, ConnectionTestStage.Authentication);
        Assert.Equal(ConnectionTestStatus.Warning, authentication.Status);
        Assert.Equal("MD5", Detail(authentication, "Method requested by the server"));
        Assert.Contains("deprecated", authentication.Message, StringComparison.Ordinal);
        Assert.Equal(ConnectionTestStatus.Warning, events[^1].Status);
    }

    [Fact]
    public async Task RunAsync_CleartextPasswordWithoutTls_WarnsCritically()
    {
        var events = await RunAsync(Destination(servers.NoTls.Port, TestRoles.Cleartext, TlsMode.Prefer), TestRoles.CleartextPassword);

        AssertSucceeded(events);
        var authentication = Last(events, ConnectionTestStage.Authentication);
        Assert.Equal(ConnectionTestStatus.Warning, authentication.Status);
        Assert.Equal("cleartext password", Detail(authentication, "Method requested by the server"));
        Assert.Contains("CRITICAL", authentication.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CleartextPasswordOverTls_WarnsWithoutCritical()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Cleartext, TlsMode.Require), TestRoles.CleartextPassword);

        AssertSucceeded(events);
        Assert.DoesNotContain("CRITICAL", Last(events, ConnectionTestStage.Authentication).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TrustUser_SucceedsAndSaysNoCredentialWasNeeded()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Trust, TlsMode.Require), password: null);

        AssertSucceeded(events);
        var authentication = Last(events, ConnectionTestStage.Authentication);
        Assert.Equal("none", Detail(authentication, "Method requested by the server"));
        Assert.Contains("without any credential", authentication.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HbaRejectLine_FailsAuthenticationNamingUsername()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Reject, TlsMode.Require), "unused");

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.Authentication, nameof(DestinationInput.Username));
        Assert.Equal("28000", Outcome(events).SqlState);
        Assert.Contains("rejects", Outcome(events).Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoHbaEntry_FailsAuthenticationNamingUsername()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.NoHbaEntry, TlsMode.Require), "unused");

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.Authentication, nameof(DestinationInput.Username));
        Assert.Contains("no entry", Outcome(events).Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingDatabase_FailsDatabaseStageAfterAuthentication()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.Require, database: "no_such_db"), TestRoles.ScramPassword);

        AssertFailed(events, ConnectionTestStage.Database, ConnectionTestCategory.Database, nameof(DestinationInput.Database));
        Assert.Equal("3D000", Outcome(events).SqlState);
        Assert.Equal(ConnectionTestStatus.Succeeded, Last(events, ConnectionTestStage.Authentication).Status);
    }

    [Fact]
    public async Task RunAsync_DatabaseWithoutConnectPrivilege_FailsDatabaseStageAsPermissions()
    {
        var events = await RunAsync(
            Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.Require, database: TestRoles.RestrictedDatabase), TestRoles.ScramPassword);

        AssertFailed(events, ConnectionTestStage.Database, ConnectionTestCategory.Permissions, nameof(DestinationInput.Username));
        Assert.Equal("42501", Outcome(events).SqlState);
    }

    [Fact]
    public async Task RunAsync_UserWithoutCreateOnPublic_SucceedsWithPermissionsWarning()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.NoCreate, TlsMode.Require), TestRoles.NoCreatePassword);

        var outcome = Outcome(events);
        Assert.True(outcome.Succeeded, events.ToReportText());
        Assert.Equal(ConnectionTestCategory.Permissions, outcome.Category);
        Assert.Equal(nameof(DestinationInput.Username), outcome.FieldToFix);
        var database = Last(events, ConnectionTestStage.Database);
        Assert.Equal(ConnectionTestStatus.Warning, database.Status);
        Assert.Equal("no", Detail(database, "CREATE on schema public"));
        Assert.Equal("yes", Detail(database, "CONNECT on database"));
        Assert.Equal(ConnectionTestStatus.Warning, events[^1].Status);
    }

    [Fact]
    public async Task RunAsync_WindowsAuthenticationAgainstPasswordUser_FailsWithoutSendingPassword()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.Require, windowsAuthentication: true), password: null);

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.Authentication, nameof(DestinationInput.WindowsAuthentication));
    }

    [Fact]
    public async Task RunAsync_KerberosUserWithoutWindowsAuthentication_AsksToTurnItOn()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Kerberos, TlsMode.Require), "Krb-canary-pass-3");

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.Authentication, nameof(DestinationInput.WindowsAuthentication));
        Assert.Equal("GSSAPI (Kerberos)", Detail(Last(events, ConnectionTestStage.Authentication), "Method requested by the server"));
    }

    [Fact]
    public async Task RunAsync_WindowsAuthenticationWithoutTicket_SaysThereAreNoKerberosCredentials()
    {
        var events = await RunAsync(
            Destination(servers.Tls.Port, TestRoles.Kerberos, TlsMode.Require, server: TestCertificates.ServerDnsName, privateEndpoint: "127.0.0.1", windowsAuthentication: true),
            password: null);

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.Authentication, nameof(DestinationInput.WindowsAuthentication));
        var authentication = Last(events, ConnectionTestStage.Authentication);
        Assert.Equal($"postgres/{TestCertificates.ServerDnsName}", Detail(authentication, "Kerberos service principal"));
        Assert.Contains("no Kerberos credentials", Outcome(events).Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToReportText_SuccessfulRun_ListsEveryStageWithoutPassword()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.Require), TestRoles.ScramPassword);

        var report = events.ToReportText();

        foreach (var stage in Enum.GetValues<ConnectionTestStage>())
        {
            Assert.Contains($"] {stage.Describe()} ", report, StringComparison.Ordinal); // in words, as the Copy report shows them
        }

        Assert.Contains("SHA-256 fingerprint", report, StringComparison.Ordinal);
        Assert.DoesNotContain(TestRoles.ScramPassword, report, StringComparison.Ordinal);
    }

    private static async Task<int> CountAsync(IPostgreSqlServer server, string[] texts)
    {
        var count = 0;
        foreach (var text in texts)
        {
            count += await server.CountLogLinesAsync(text);
        }

        return count;
    }

    private static async Task WaitUntilNoTestBackendAsync(IPostgreSqlServer server)
    {
        await using var dataSource = NpgsqlDataSource.Create(server.SuperuserConnectionString());
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            await using var command = dataSource.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = AuthenticationDataSource.ApplicationName });
            if ((long)(await command.ExecuteScalarAsync())! == 0)
            {
                return;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("A connection test's backend was still connected after 10 s.");
            }

            await Task.Delay(20);
        }
    }
}
