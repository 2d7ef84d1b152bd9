using System.ComponentModel.DataAnnotations;
using System.Text;
using Pipeline.Common;
using Pipeline.Common.Storage;
using Pipeline.Worker.Observability;

namespace Pipeline.UnitTests.Worker;

public sealed class WorkerMetricsTests
{
    private static async Task<string> ExportAsync(WorkerMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public async Task Committed_MixedOutcomes_CountsEachOutcomeAndFailureReason()
    {
        var metrics = new WorkerMetrics();
        var outcome = new BatchOutcome(
            Guid.NewGuid(), 0, [new EmbeddedImage("file:///a.jpg", "size:1", [1f])], 2,
            [new FailedImage("file:///b.jpg", FailureReason.NotFound, "gone"), new FailedImage("file:///c.jpg", FailureReason.NotFound, "gone")]);

        metrics.Committed([outcome, outcome]);
        var text = await ExportAsync(metrics);

        Assert.Contains("pipeline_worker_images_total{outcome=\"embedded\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("pipeline_worker_images_total{outcome=\"skipped\"} 4\n", text, StringComparison.Ordinal);
        Assert.Contains("pipeline_worker_images_total{outcome=\"failed\"} 4\n", text, StringComparison.Ordinal);
        Assert.Contains("pipeline_worker_image_failures_total{reason=\"NotFound\"} 4\n", text, StringComparison.Ordinal);
        Assert.Contains("pipeline_worker_image_failures_total{reason=\"Timeout\"} 0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessageSettled_AfterAccepted_LeavesNothingInFlight()
    {
        var metrics = new WorkerMetrics();

        metrics.MessageAccepted();
        metrics.MessageAccepted();
        metrics.MessageSettled();

        Assert.Contains("pipeline_worker_messages_in_flight 1\n", await ExportAsync(metrics), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Time_ThrowingStage_StillObservesTheDuration()
    {
        var metrics = new WorkerMetrics();

        Assert.Throws<InvalidOperationException>(() => metrics.Time(WorkerStage.Decode, () => throw new InvalidOperationException()));
        await metrics.TimeAsync(WorkerStage.Write, () => Task.FromResult(1));

        var text = await ExportAsync(metrics);
        Assert.Contains("pipeline_worker_stage_duration_seconds_count{stage=\"decode\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("pipeline_worker_stage_duration_seconds_count{stage=\"write\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("pipeline_worker_stage_duration_seconds_count{stage=\"fetch\"} 0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchFilled_HalfBatch_LandsInTheHalfBucket()
    {
        var metrics = new WorkerMetrics();

        metrics.BatchFilled(16, 32);

        var text = await ExportAsync(metrics);
        Assert.Contains("pipeline_worker_batch_fill_ratio_bucket{le=\"0.4\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("pipeline_worker_batch_fill_ratio_bucket{le=\"0.5\"} 1\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*", 9464, true)]
    [InlineData("0.0.0.0", 0, true)]
    [InlineData("[::1]", 9464, true)]
    [InlineData("http://x", 9464, false)]
    [InlineData("127.0.0.1", 70000, false)]
    public void MetricsOptions_Validation_AcceptsHostsAndPortsAListenerCanUse(string host, int port, bool valid)
    {
        var options = new MetricsOptions { Host = host, Port = port };
        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }
}
