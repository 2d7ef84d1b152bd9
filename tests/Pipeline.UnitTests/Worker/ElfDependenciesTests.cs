using System.Diagnostics;
using Pipeline.Worker.Inference;

namespace Pipeline.UnitTests.Worker;

public sealed class ElfDependenciesTests
{
    private static readonly string OnnxRuntime = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libonnxruntime.so");

    [Fact]
    public void Needed_OnnxRuntimeLibrary_ListsItsSharedLibrariesAsReadelfDoes()
    {
        var needed = ElfDependencies.Needed(OnnxRuntime);

        Assert.Contains("libc.so.6", needed);
        Assert.Contains("libstdc++.so.6", needed);
        Assert.Contains("libm.so.6", needed);
        Assert.DoesNotContain(needed, n => n.Length == 0 || n.Contains('\0', StringComparison.Ordinal));
        if (File.Exists("/usr/bin/readelf"))
        {
            // binutils, where the machine has it, gives the exact list in order.
            Assert.Equal(Readelf(OnnxRuntime), needed);
        }
    }

    [Fact]
    public void Needed_TextFile_ThrowsInvalidData()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, new string('x', 200));
            var error = Assert.Throws<InvalidDataException>(() => ElfDependencies.Needed(path));
            Assert.Contains("not a 64-bit little-endian ELF file", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Needed_TruncatedLibrary_ThrowsInvalidDataNamingTheFile()
    {
        var path = Path.GetTempFileName();
        try
        {
            using (var source = File.OpenRead(OnnxRuntime))
            using (var target = File.Create(path))
            {
                var head = new byte[4096];
                source.ReadExactly(head);
                target.Write(head);
            }

            var error = Assert.Throws<InvalidDataException>(() => ElfDependencies.Needed(path));
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Explain_CpuBuild_SaysThereIsNoGpuProviderHere()
    {
        var reason = GpuLibraries.Explain(AppContext.BaseDirectory, ExecutionProvider.Cuda, "ignored");

        Assert.Contains("CPU build of ONNX Runtime", reason, StringComparison.Ordinal);
        Assert.Contains(GpuLibraries.CudaProvider, reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', reason);
    }

    private static List<string> Readelf(string path)
    {
        var info = new ProcessStartInfo("/usr/bin/readelf", ["-d", path]) { RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        var lines = process.StandardOutput.ReadToEnd().Split('\n');
        process.WaitForExit();
        return [.. lines.Where(l => l.Contains("(NEEDED)", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf('[', StringComparison.Ordinal) + 1)..l.IndexOf(']', StringComparison.Ordinal)])];
    }
}
