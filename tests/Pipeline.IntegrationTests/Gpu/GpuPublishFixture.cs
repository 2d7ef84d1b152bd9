using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Gpu;

/// <summary>
/// The GPU variant published once with the script the gpu image's build stage runs (<c>scripts/publish.sh --gpu</c>):
/// so CI restores, builds and publishes <c>-p:UseGpu=true</c>, and the tests run what the image would hold.
/// </summary>
public sealed class GpuPublishFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("publish-gpu-");

    public string Folder => _folder.FullName;

    public string WorkerDll => Path.Combine(Folder, "Pipeline.Worker.dll");

    public async Task InitializeAsync()
    {
        var (exitCode, log) = await CommandRunner.RunAsync("bash", TimeSpan.FromMinutes(15), "scripts/publish.sh", Folder, "--gpu");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"scripts/publish.sh --gpu exited with {exitCode}:\n{log}");
        }
    }

    public Task DisposeAsync()
    {
        _folder.Delete(recursive: true);
        return Task.CompletedTask;
    }
}
