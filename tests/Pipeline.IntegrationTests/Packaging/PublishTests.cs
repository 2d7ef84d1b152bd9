using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Packaging;

/// <summary>
/// The container images' build stage runs scripts/publish.sh; this runs the same script (CPU) and
/// starts both published programs from its folder, so the image layout is exercised without Docker.
/// </summary>
public sealed class PublishTests
{
    [Fact]
    public async Task PublishScript_Cpu_ProducesAFolderWhoseCommandLineAndWorkerRun()
    {
        var folder = Directory.CreateTempSubdirectory("publish-");
        try
        {
            var (published, log) = await CommandRunner.RunAsync("bash", TimeSpan.FromMinutes(10), "scripts/publish.sh", folder.FullName);
            Assert.True(published == 0, log);
            foreach (var file in new[] { "Pipeline.Worker.dll", "pipeline.dll", "libonnxruntime.so", "libOpenCvSharpExtern.so", "models/mobilenetv2-12-int8.onnx" })
            {
                Assert.True(File.Exists(Path.Combine(folder.FullName, file)), $"{file} missing from the published folder");
            }

            // ReadyToRun: precompiled code, so a job's first batches do not wait for the JIT (README "Performance").
            foreach (var assembly in new[] { "Pipeline.Worker.dll", "Pipeline.Common.dll", "pipeline.dll", "Npgsql.dll" })
            {
                Assert.True(IsReadyToRun(Path.Combine(folder.FullName, assembly)), $"{assembly} was published without ReadyToRun code");
            }

            // The worker's runtime settings travel in its runtimeconfig.json (README "Performance").
            var runtimeConfig = await File.ReadAllTextAsync(Path.Combine(folder.FullName, "Pipeline.Worker.runtimeconfig.json"));
            Assert.Contains("\"System.Threading.ThreadPool.UnfairSemaphoreSpinLimit\": 0", runtimeConfig, StringComparison.Ordinal);
            Assert.Contains("\"System.Runtime.TieredCompilation\": false", runtimeConfig, StringComparison.Ordinal);

            var (help, text) = await CommandRunner.RunAsync("dotnet", TimeSpan.FromMinutes(1), Path.Combine(folder.FullName, "pipeline.dll"), "--help");
            Assert.True(help == 0, text);
            Assert.Contains("enqueue", text, StringComparison.Ordinal);

            // The worker loads the bundled model and both native libraries from the flattened layout.
            var port = FreePort.Next();
            var environment = ServiceEndpoints.ProcessEnvironment(ServiceEndpoints.NewModelId("pub"), "test." + Guid.NewGuid().ToString("N"));
            environment["PIPELINE_Metrics__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // The image's environment (Dockerfile): the runtime takes the gen0 budget from it, and the ready line says so.
            environment[Common.ManagedHeap.Gen0BudgetVariable] = Common.ManagedHeap.Gen0Budget;
            await using var worker = WorkerProcess.Start(environment, Path.Combine(folder.FullName, "Pipeline.Worker.dll"));
            await ReadinessProbe.WaitUntilReadyAsync(worker, port, TimeSpan.FromMinutes(2));
            Assert.True(await worker.StopAsync(TimeSpan.FromMinutes(1)) == 0, worker.Log);
            Assert.Contains("GC gen0 budget 16 MiB (DOTNET_GCgen0size=0x1000000)", worker.Log, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    // A ReadyToRun image carries a managed native header in its CLI header; an IL-only assembly has none.
    private static bool IsReadyToRun(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new System.Reflection.PortableExecutable.PEReader(stream);
        return reader.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }
}
