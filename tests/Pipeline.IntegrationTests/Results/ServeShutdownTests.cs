using System.Diagnostics;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Results;

/// <summary>Kubernetes stops a pod with SIGTERM: the page must end, cleanly, not wait for SIGKILL.</summary>
public sealed class ServeShutdownTests
{
    [Fact]
    public async Task Serve_Sigterm_StopsWithExitCodeZero()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pipeline.dll"));
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add("0");
        ChildEnvironment.Apply(info, ServiceEndpoints.ProcessEnvironment(ServiceEndpoints.NewModelId("serve"), "test.serve"));
        using var process = Process.Start(info)!;
        try
        {
            using var ready = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var line = await process.StandardOutput.ReadLineAsync(ready.Token);
            Assert.StartsWith("serving on http://127.0.0.1:", line, StringComparison.Ordinal);

            var (code, output) = await CommandRunner.RunAsync("kill", TimeSpan.FromSeconds(30), "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(code == 0, output);
            using var stopped = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(stopped.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
