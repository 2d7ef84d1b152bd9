using System.Net;
using System.Text;
using OpenCvSharp;
using Pipeline.Common;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.IntegrationTests.Sources;
using Pipeline.Scheduler.Enqueueing;
using Pipeline.UnitTests.Decoding;

namespace Pipeline.IntegrationTests.Faults;

/// <summary>
/// Data nobody cleaned: every kind of bad or unusual input gives a correct vector or a recorded
/// failure with its reason, and the worker neither crashes, hangs nor balloons.
/// </summary>
public sealed class BadInputTests
{
    private const string Embedded = "embedded";

    [Fact]
    public async Task BadInputJob_ThirtyKinds_EachEmbeddedOrRecordedWithItsReason()
    {
        var folder = Directory.CreateTempSubdirectory("bad-input-").FullName;
        var expected = new Dictionary<string, string>();
        void Write(string name, byte[] bytes, string outcome)
        {
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
            expected[name] = outcome;
        }

        var dog = File.ReadAllBytes(RepoPaths.Sample("dog.jpg"));
        using var photo = Cv2.ImDecode(dog, ImreadModes.Color);
        using var card = TestImages.Card(320, 240);
        var random = new Random(42);
        var noise = new byte[5000];
        random.NextBytes(noise);

        Write("empty.jpg", [], nameof(FailureReason.Undecodable));
        Write("truncated.jpg", dog[..(dog.Length * 6 / 10)], "embedded|Undecodable");
        Write("random-bytes.jpg", noise, nameof(FailureReason.Undecodable));
        Write("error-page.jpg", Encoding.UTF8.GetBytes("<!doctype html><html><body>502 Bad Gateway</body></html>"), nameof(FailureReason.Undecodable));
        var badCrc = TestImages.Png(card);
        badCrc[^13] ^= 0xFF; // a byte of the last IDAT chunk's CRC
        Write("bad-crc.png", badCrc, "embedded|Undecodable");
        Write("cmyk.jpg", File.ReadAllBytes(Fixture("cmyk.jpg")), Embedded);
        using (var gray = new Mat())
        {
            Cv2.CvtColor(card, gray, ColorConversionCodes.BGR2GRAY);
            Write("grayscale.png", TestImages.Png(gray), Embedded);
        }

        Write("eight-bit.png", TestImages.Png(card), Embedded);
        using (var sixteen = new Mat())
        {
            card.ConvertTo(sixteen, MatType.CV_16UC3, 257);
            Write("sixteen-bit.png", TestImages.Png(sixteen), Embedded);
        }

        Write("palette-transparent.png", PngBuilder.Palette(
            [.. Enumerable.Range(0, 64).Select(y => Enumerable.Range(0, 64).Select(x => (byte)((x / 16 + y / 16) % 4)).ToArray())],
            [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255],
            transparency: [0, 128, 255, 255]), Embedded);
        using (var rgba = new Mat())
        {
            Cv2.CvtColor(card, rgba, ColorConversionCodes.BGR2BGRA);
            Write("rgba.png", TestImages.Png(rgba), Embedded);
        }

        Write("animated.gif", File.ReadAllBytes(Fixture("animated.gif")), Embedded);
        using (var red = new Mat(48, 64, MatType.CV_8UC3, new Scalar(0, 0, 255)))
        {
            Write("red.png", TestImages.Png(red), Embedded);
        }

        Write("photo.webp", TestImages.Encode(photo, ".webp"), Embedded);
        Write("photo.bmp", TestImages.Encode(photo, ".bmp"), Embedded);
        Write("photo.tiff", TestImages.Encode(photo, ".tiff"), Embedded);
        Write("progressive.jpg", TestImages.Encode(photo, ".jpg", new ImageEncodingParam(ImwriteFlags.JpegProgressive, 1)), Embedded);
        // Small enough that neither copy takes the reduced-decode path, so the pixels fed to the model are identical.
        using (var small = new Mat())
        {
            Cv2.Resize(photo, small, new Size(400, 300), interpolation: InterpolationFlags.Area);
            var jpeg = TestImages.Encode(small, ".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 95));
            using var decoded = Cv2.ImDecode(jpeg, ImreadModes.Color);
            Write("exif6.jpg", ExifJpeg.WithOrientation(jpeg, 6), Embedded);
            Write("exif8.jpg", ExifJpeg.WithOrientation(jpeg, 8), Embedded);
            foreach (var (name, rotation) in new[] { ("rotated6.png", RotateFlags.Rotate90Clockwise), ("rotated8.png", RotateFlags.Rotate90Counterclockwise) })
            {
                using var rotated = new Mat();
                Cv2.Rotate(decoded, rotated, rotation);
                Write(name, TestImages.Png(rotated), Embedded);
            }
        }

        Write("corrupt-exif.jpg", [0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0, 0x4D, 0x4D, 0xFF, 0xFF, 0x12, 0x34, .. dog[2..]],
            "embedded|Undecodable");
        using (var dot = new Mat(1, 1, MatType.CV_8UC3, new Scalar(10, 200, 30)))
        {
            Write("one-pixel.png", TestImages.Png(dot), Embedded);
        }

        using (var strip = new Mat(20, 20000, MatType.CV_8UC3, new Scalar(90, 60, 30)))
        {
            Write("strip-20000x20.png", TestImages.Png(strip), Embedded);
        }

        Write("bomb-30000x30000.png", PngBuilder.Build(30000, 30000, 8, 2, new byte[64]), nameof(FailureReason.TooLarge));
        Write("over-byte-limit.jpg", File.ReadAllBytes(RepoPaths.Sample("kite.jpg")), nameof(FailureReason.TooLarge));

        await using var server = new TestHttpServer(async (context, cancellationToken) =>
        {
            var response = context.Response;
            switch (context.Request.Url!.AbsolutePath)
            {
                case "/ok.jpg":
                    response.ContentType = "image/jpeg";
                    await response.OutputStream.WriteAsync(dog, cancellationToken);
                    break;
                case "/html-as-image.jpg":
                    response.ContentType = "image/jpeg";
                    await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes("<html>not an image</html>"), cancellationToken);
                    break;
                case "/missing.jpg":
                    response.StatusCode = (int)HttpStatusCode.NotFound;
                    break;
                case "/error.jpg":
                    response.StatusCode = (int)HttpStatusCode.InternalServerError;
                    break;
                case "/loop.jpg":
                    response.StatusCode = (int)HttpStatusCode.Found;
                    response.RedirectLocation = "/loop.jpg";
                    break;
                case "/stall.jpg":
                    await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
                    break;
            }

            response.Close();
        });
        var blobService = BlobServiceClientFactory.Create(new BlobOptions { ConnectionString = ServiceEndpoints.Blob });
        var remote = new Dictionary<string, string>
        {
            [server.Url("ok.jpg")] = Embedded,
            [server.Url("html-as-image.jpg")] = nameof(FailureReason.Undecodable),
            [server.Url("missing.jpg")] = nameof(FailureReason.NotFound),
            [server.Url("error.jpg")] = nameof(FailureReason.FetchFailed),
            [server.Url("loop.jpg")] = nameof(FailureReason.FetchFailed),
            [server.Url("stall.jpg")] = nameof(FailureReason.Timeout),
            [$"{blobService.Uri.AbsoluteUri.TrimEnd('/')}/no-such-container/x.jpg"] = nameof(FailureReason.NotFound),
            [new Uri(Path.Combine(folder, "does-not-exist.jpg")).AbsoluteUri] = nameof(FailureReason.NotFound),
        };
        var manifest = Path.Combine(folder, "manifest.txt");
        File.WriteAllLines(manifest, [.. expected.Keys, .. remote.Keys]);

        var modelId = ServiceEndpoints.NewModelId("bad");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, "test." + Guid.NewGuid().ToString("N"));
        environment["PIPELINE_Fetch__MaxBytes"] = "1400000"; // kite.jpg is 1.42 MB, the BMP 1.33 MB
        // Far below the stall (30 s), far above what the small local responses take on a loaded CI machine.
        environment["PIPELINE_Fetch__HttpTimeout"] = "00:00:05";
        environment["PIPELINE_Fetch__HttpRetries"] = "1";
        environment["PIPELINE_Fetch__HttpRetryDelay"] = "00:00:00.050";
        environment["PIPELINE_UriPolicy__AllowPrivateNetworks"] = "true";
        environment["PIPELINE_Worker__InferenceBatchSize"] = "8";
        await using var worker = WorkerProcess.Start(environment);
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        using var scheduler = await SchedulerHarness.StartAsync(environment);
        try
        {
            var job = await scheduler.Get<Enqueuer>().RunAsync(
                new ManifestImageSource(manifest, blobEndpoints: scheduler.Get<BlobEndpoints>()), modelId, force: false, batchSize: 4, CancellationToken.None);
            var status = await JobWaiter.UntilCompleteAsync(scheduler.Get<JobStore>(), job.JobId, worker, TimeSpan.FromMinutes(4));

            var outcomes = await OutcomesAsync(scheduler.Get<PipelineDataSource>(), ModelIdentity.TableFor(modelId), job.JobId);
            foreach (var (uri, outcome) in expected.Select(kv => (new Uri(Path.Combine(folder, kv.Key)).AbsoluteUri, kv.Value)).Concat(remote.Select(kv => (kv.Key, kv.Value))))
            {
                Assert.True(outcomes.TryGetValue(uri, out var actual), $"no outcome for {uri}");
                Assert.True(outcome.Split('|').Contains(actual.Reason), $"{uri}: expected {outcome}, got {actual.Reason} ({actual.Message})");
            }

            Assert.True(expected.Count + remote.Count >= 30);
            Assert.Equal(expected.Count + remote.Count, status.Total);

            // Orientation is applied: an EXIF-rotated JPEG embeds like the physically rotated pixels.
            var table = ModelIdentity.TableFor(modelId);
            var data = scheduler.Get<PipelineDataSource>();
            Assert.InRange(await DistanceAsync(data, table, Path.Combine(folder, "exif6.jpg"), Path.Combine(folder, "rotated6.png")), 0, 1e-4);
            Assert.InRange(await DistanceAsync(data, table, Path.Combine(folder, "exif8.jpg"), Path.Combine(folder, "rotated8.png")), 0, 1e-4);
            Assert.True(await DistanceAsync(data, table, Path.Combine(folder, "exif6.jpg"), Path.Combine(folder, "exif8.jpg")) > 0.01, "6 and 8 must differ");
            Assert.InRange(await DistanceAsync(data, table, Path.Combine(folder, "sixteen-bit.png"), Path.Combine(folder, "eight-bit.png")), 0, 1e-4);
            Assert.InRange(await DistanceAsync(data, table, Path.Combine(folder, "animated.gif"), Path.Combine(folder, "red.png")), 0, 1e-3);

            // The bomb was refused from its header: nothing near 30000² × 3 bytes was ever allocated.
            Assert.InRange(worker.PeakResidentBytes, 0, 1L << 30);
            Assert.Equal(0, await worker.StopAsync(TimeSpan.FromMinutes(1)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Fixture(string name) => Path.Combine(RepoPaths.Root, "tests", "Pipeline.IntegrationTests", "Fixtures", name);

    private static async Task<Dictionary<string, (string Reason, string Message)>> OutcomesAsync(PipelineDataSource data, string table, Guid jobId)
    {
        var result = new Dictionary<string, (string, string)>();
        await using var connection = await data.OpenAsync(CancellationToken.None);
        await using var command = new Npgsql.NpgsqlCommand(
            $"SELECT uri, '{Embedded}', '' FROM {table} WHERE job_id = $1 UNION ALL SELECT uri, reason, message FROM failures WHERE job_id = $1", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = jobId });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = (reader.GetString(1), reader.GetString(2));
        }

        return result;
    }

    private static async Task<double> DistanceAsync(PipelineDataSource data, string table, string left, string right)
    {
        await using var connection = await data.OpenAsync(CancellationToken.None);
        await using var command = new Npgsql.NpgsqlCommand(
            $"SELECT a.embedding <=> b.embedding FROM {table} a, {table} b WHERE a.uri = $1 AND b.uri = $2", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = new Uri(left).AbsoluteUri });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = new Uri(right).AbsoluteUri });
        return (double)(await command.ExecuteScalarAsync())!;
    }
}
