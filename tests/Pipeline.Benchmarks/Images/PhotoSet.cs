using System.Globalization;
using OpenCvSharp;

namespace Pipeline.Benchmarks.Images;

/// <summary>
/// Photo-like JPEGs made from the bundled sample photos: random crops at camera aspect ratios, flips, exposure
/// changes and sensor-like noise, encoded at quality 90. Half are 500×375 (web thumbnails), half 1920×1080
/// (phone/camera downloads), the two sizes the performance issue names. Deterministic, kept between runs.
/// </summary>
internal static class PhotoSet
{
    private const int Version = 1;
    private static readonly Size Small = new(500, 375);
    private static readonly Size Large = new(1920, 1080);

    /// <summary>A folder of <paramref name="count"/> distinct generated photos.</summary>
    public static string Ensure(string workDirectory, string samplesDirectory, int count)
    {
        var folder = Path.Combine(workDirectory, Invariant($"photos-v{Version}-{count}"));
        var done = Path.Combine(folder, ".complete");
        if (File.Exists(done))
        {
            return folder;
        }

        Directory.CreateDirectory(folder);
        var samples = LoadSamples(samplesDirectory);
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                var bytes = Generate(samples[i % samples.Count], i);
                File.WriteAllBytes(Path.Combine(folder, Invariant($"photo-{i:D6}.jpg")), bytes);
            });
        }
        finally
        {
            foreach (var sample in samples)
            {
                sample.Dispose();
            }
        }

        File.WriteAllText(done, string.Empty);
        return folder;
    }

    /// <summary>
    /// <paramref name="count"/> file names over the photos of <paramref name="photos"/>, as hard links: distinct URIs
    /// (so every one is embedded) at the disk cost of the smaller set.
    /// </summary>
    public static string EnsureLinked(string workDirectory, string photos, int count)
    {
        var folder = Path.Combine(workDirectory, Invariant($"linked-v{Version}-{count}-{Path.GetFileName(photos)}"));
        var done = Path.Combine(folder, ".complete");
        if (File.Exists(done))
        {
            return folder;
        }

        Directory.CreateDirectory(folder);
        var originals = Directory.GetFiles(photos, "*.jpg").Order(StringComparer.Ordinal).ToArray();
        for (var i = 0; i < count; i++)
        {
            var link = Path.Combine(folder, Invariant($"photo-{i:D6}.jpg"));
            if (!File.Exists(link))
            {
                HardLinks.Create(originals[i % originals.Length], link);
            }
        }

        File.WriteAllText(done, string.Empty);
        return folder;
    }

    /// <summary>
    /// <paramref name="count"/> hard links over the README's sample photos (ordinary, ImageNet-like sizes: 352×448 to
    /// 1352×900, JPEG and PNG), each a distinct URI, so the case where reduced JPEG decoding does not apply is measured.
    /// </summary>
    public static string EnsureSampleLinks(string workDirectory, string samplesDirectory, int count)
    {
        var folder = Path.Combine(workDirectory, Invariant($"samples-v{Version}-{count}"));
        var done = Path.Combine(folder, ".complete");
        if (File.Exists(done))
        {
            return folder;
        }

        Directory.CreateDirectory(folder);
        var originals = SampleFiles(samplesDirectory);
        for (var i = 0; i < count; i++)
        {
            var original = originals[i % originals.Count];
            var link = Path.Combine(folder, Invariant($"sample-{i:D6}-{Path.GetFileName(original)}"));
            if (!File.Exists(link))
            {
                HardLinks.Create(original, link);
            }
        }

        File.WriteAllText(done, string.Empty);
        return folder;
    }

    /// <summary>The sample photos (JPEG and PNG) in name order.</summary>
    public static IReadOnlyList<string> SampleFiles(string samplesDirectory)
    {
        var files = Directory.GetFiles(samplesDirectory)
            .Where(f => f.EndsWith(".jpg", StringComparison.Ordinal) || f.EndsWith(".png", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        return files.Count > 0 ? files : throw new InvalidOperationException($"no sample photos in {samplesDirectory}");
    }

    public static bool IsLarge(int index) => index % 2 == 1;

    private static List<Mat> LoadSamples(string samplesDirectory)
    {
        return [.. SampleFiles(samplesDirectory).Select(f => Cv2.ImRead(f, ImreadModes.Color))];
    }

    private static byte[] Generate(Mat sample, int index)
    {
        var random = new Random(index);
        var size = IsLarge(index) ? Large : Small;
        using var crop = new Mat(sample, CropFor(sample.Size(), size, random));
        using var resized = new Mat();
        Cv2.Resize(crop, resized, size, interpolation: InterpolationFlags.Cubic);
        if (random.Next(2) == 1)
        {
            Cv2.Flip(resized, resized, FlipMode.Y);
        }

        using var exposed = new Mat();
        resized.ConvertTo(exposed, MatType.CV_8UC3, 0.8 + (0.4 * random.NextDouble()), -20 + (40 * random.NextDouble()));
        // Sensor-like noise gives the JPEGs a photo's entropy (and size) instead of an upscaled sample's smoothness.
        using var noise = new Mat(size, MatType.CV_8SC3);
        Cv2.Randn(noise, new Scalar(0, 0, 0), new Scalar(4, 4, 4));
        using var noisy = new Mat();
        Cv2.Add(exposed, noise, noisy, dtype: MatType.CV_8UC3.Value);
        Cv2.ImEncode(".jpg", noisy, out var bytes, new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
        return bytes;
    }

    private static Rect CropFor(Size source, Size target, Random random)
    {
        var aspect = target.Width / (double)target.Height;
        var scale = 0.6 + (0.4 * random.NextDouble());
        var width = Math.Min(source.Width, source.Height * aspect) * scale;
        var height = width / aspect;
        var x = random.NextDouble() * (source.Width - width);
        var y = random.NextDouble() * (source.Height - height);
        return new Rect((int)x, (int)y, Math.Max(1, (int)width), Math.Max(1, (int)height));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
