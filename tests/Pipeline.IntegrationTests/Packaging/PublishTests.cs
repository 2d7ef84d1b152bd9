namespace Pipeline.IntegrationTests.Packaging;

using System.Diagnostics;
using Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// The container images' build stage runs scripts/publish.sh; this runs the same script (CPU) and
/// starts both published programs from its folder, so the image layout is exercised without Docker.
/// </summary>
public sealed class PublishTests
{
    private static async Task<(int ExitCode, string Output)> RunAsync(string program, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // No MSBuild nodes left behind by the test run.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task PublishScript_Cpu_ProducesAFolderWhoseCommandLineAndWorkerRun()
    {
        var folder = Directory.CreateTempSubdirectory("publish-");
        try
        {
            var (published, log) = await RunAsync("bash", TimeSpan.FromMinutes(10), "scripts/publish.sh", folder.FullName);
            Assert.True(published == 0, log);
            foreach (var file in new[] { "Pipeline.Worker.dll", "pipeline.dll", "libonnxruntime.so", "libOpenCvSharpExtern.so", "models/mobilenetv2-12-int8.onnx" })
            {
                Assert.True(File.Exists(Path.Combine(folder.FullName, file)), $"{file} missing from the published folder");
            }

            var (help, text) = await RunAsync("dotnet", TimeSpan.FromMinutes(1), Path.Combine(folder.FullName, "pipeline.dll"), "--help");
            Assert.True(help == 0, text);
            Assert.Contains("enqueue", text, StringComparison.Ordinal);

            // The worker loads the bundled model and both native libraries from the flattened layout.
            var port = FreePort.Next();
            var environment = ServiceEndpoints.ProcessEnvironment(ServiceEndpoints.NewModelId("pub"), "test." + Guid.NewGuid().ToString("N"));
            environment["PIPELINE_Metrics__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await using var worker = WorkerProcess.Start(environment, Path.Combine(folder.FullName, "Pipeline.Worker.dll"));
            await ReadinessProbe.WaitUntilReadyAsync(worker, port, TimeSpan.FromMinutes(2));
            Assert.True(await worker.StopAsync(TimeSpan.FromMinutes(1)) == 0, worker.Log);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
