using System.Diagnostics;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// The files scripts/references.sh writes (real torchvision exports, Pillow reference tensors) under the ignored
/// .local/references, one folder per script keyed by its hash (<c>&lt;script&gt;.current</c> names it). scripts/test.sh
/// builds them first and passes the root as <c>PIPELINE_TEST_REFERENCES</c>; run alone, the tests run the script
/// themselves (cached: seconds once built).
/// </summary>
internal static class ReferenceFiles
{
    private static readonly Lazy<string> Folder = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Root => Folder.Value;

    /// <summary>A file written by scripts/references/<paramref name="script"/>.py.</summary>
    public static string PathOf(string script, string name) =>
        Path.Combine(Root, File.ReadAllText(Path.Combine(Root, script + ".current")).Trim(), name);

    public static float[] ReadFloats(string script, string name)
    {
        var bytes = File.ReadAllBytes(PathOf(script, name));
        var floats = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, floats, 0, floats.Length * sizeof(float));
        return floats;
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("PIPELINE_TEST_REFERENCES") is { Length: > 0 } given && Directory.Exists(given))
        {
            return given;
        }

        var info = new ProcessStartInfo(Path.Combine(RepoPaths.Root, "scripts", "references.sh"), "build")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? stdout.Trim()
            : throw new InvalidOperationException($"scripts/references.sh build failed ({process.ExitCode}):\n{stderr.Result}");
    }
}
