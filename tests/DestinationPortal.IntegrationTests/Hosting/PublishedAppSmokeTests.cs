using System.Diagnostics;
using System.Net;

namespace DestinationPortal.IntegrationTests.Hosting;

/// <summary>
/// There is no Docker engine on the build machines, so this runs the Dockerfile's own publish command (less its
/// ReadyToRun compilation, which changes when code is compiled, not what it does, and would make this test minutes
/// slower on a loaded machine) and starts the result the way the container does (Production, a data directory, an
/// explicit URL), then asks /health.
/// </summary>
public sealed class PublishedAppSmokeTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("dp-publish-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task PublishedApp_Starts_HealthAnswers200_SetupTokenFromTheLogCreatesTheFirstAdministrator()
    {
        var publishDirectory = Path.Combine(_work.FullName, "publish");
        var publish = await RunAsync("dotnet", ["publish", Path.Combine(RepositoryPaths.Root, "src", "DestinationPortal.Web"), "-c", "Release", "-o", publishDirectory], TimeSpan.FromMinutes(5));
        Assert.True(publish.ExitCode == 0, "dotnet publish failed:\n" + publish.Output);

        var port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(publishDirectory, "DestinationPortal.Web.dll")])
        {
            WorkingDirectory = publishDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Portal__DataDirectory"] = Path.Combine(_work.FullName, "data");
        using var app = Process.Start(start)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var setupToken = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        app.OutputDataReceived += (_, e) =>
        {
            log.Enqueue(e.Data ?? "");
            if (System.Text.RegularExpressions.Regex.Match(e.Data ?? "", "one-time setup token: ([A-Z0-9]{24})") is { Success: true } match)
            {
                setupToken.TrySetResult(match.Groups[1].Value);
            }
        };
        app.ErrorDataReceived += (_, e) => log.Enqueue(e.Data ?? "");
        app.BeginOutputReadLine();
        app.BeginErrorReadLine();
        try
        {
            using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
            using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var health = await WaitForHealthAsync(http, app, TimeSpan.FromSeconds(60));
            Assert.True(health == HttpStatusCode.OK, $"/health answered {health}. App output:\n{string.Join('\n', log)}");

            // First run without Portal:Admin: every page sends to sign-in, and the console log carries the setup token.
            using (var anonymous = await http.GetAsync("/"))
            {
                Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
                Assert.StartsWith("/account/signin", anonymous.Headers.Location!.PathAndQuery);
            }

            var token = await setupToken.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var setupPage = await http.GetStringAsync("/account/setup");
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = PortalApp.AntiforgeryToken(setupPage),
                ["_handler"] = "setup",
                ["Form.SetupToken"] = token,
                ["Form.UserName"] = "first-admin",
                ["Form.Password"] = "first admin passphrase",
                ["Form.ConfirmPassword"] = "first admin passphrase",
            });
            using (var setup = await http.PostAsync("/account/setup", form))
            {
                Assert.True(setup.StatusCode == HttpStatusCode.Redirect, $"setup answered {setup.StatusCode}:\n{await setup.Content.ReadAsStringAsync()}");
            }

            var home = await http.GetStringAsync("/");
            Assert.Contains("Manage Destinations", home);
            Assert.Contains("first-admin", home);
            using (var gone = await http.GetAsync("/account/setup"))
            {
                Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            }

            Assert.True(File.Exists(Path.Combine(_work.FullName, "data", "portal.db")));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(_work.FullName, "data", "keys")));
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
        }
    }

    private static async Task<HttpStatusCode?> WaitForHealthAsync(HttpClient http, Process app, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout && !app.HasExited)
        {
            try
            {
                using var response = await http.GetAsync("/health");
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                // Not listening yet: Kestrel opens the port after migrations ran.
                await Task.Delay(200);
            }
        }

        return null;
    }


    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
