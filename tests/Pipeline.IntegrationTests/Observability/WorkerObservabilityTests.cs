using System.Net;

namespace Pipeline.IntegrationTests.Observability;

/// <summary>What Prometheus and the kubelet see of a real worker process.</summary>
public sealed class WorkerObservabilityTests(ObservedWorkerFixture fixture) : IClassFixture<ObservedWorkerFixture>
{
    [Fact]
    public async Task Metrics_AfterTwoJobs_CountImagesByOutcomeAndFailuresByReason()
    {
        var metrics = await fixture.ScrapeAsync();

        Assert.Equal(4, metrics.Value("pipeline_worker_images_total{outcome=\"embedded\"}"));
        Assert.Equal(4, metrics.Value("pipeline_worker_images_total{outcome=\"skipped\"}"));
        Assert.Equal(2, metrics.Value("pipeline_worker_images_total{outcome=\"failed\"}"));
        Assert.Equal(2, metrics.Value("pipeline_worker_image_failures_total{reason=\"Undecodable\"}"));
        Assert.Equal(0, metrics.Value("pipeline_worker_image_failures_total{reason=\"NotFound\"}"));
        Assert.Equal(0, metrics.Value("pipeline_worker_messages_in_flight"));
        Assert.Equal(0, metrics.Value("pipeline_worker_message_retries_total{destination=\"retry\"}"));
    }

    [Fact]
    public async Task Metrics_AfterTwoJobs_TimeEveryStageAndRecordBatchFill()
    {
        var metrics = await fixture.ScrapeAsync();

        // Every image is fetched (ten in all); decoded unless skipped after the fetch (five embedded or undecodable).
        Assert.Equal(10, metrics.Value("pipeline_worker_stage_duration_seconds_count{stage=\"fetch\"}"));
        Assert.Equal(6, metrics.Value("pipeline_worker_stage_duration_seconds_count{stage=\"decode\"}"));
        var batches = metrics.Value("pipeline_worker_stage_duration_seconds_count{stage=\"inference\"}");
        Assert.InRange(batches, 1, 4);
        Assert.Equal(batches, metrics.Value("pipeline_worker_batch_fill_ratio_count"));
        Assert.Equal(4.0 / ObservedWorkerFixture.BatchSize, metrics.Value("pipeline_worker_batch_fill_ratio_sum"), 6);
        Assert.InRange(metrics.Value("pipeline_worker_stage_duration_seconds_count{stage=\"write\"}"), 2, 4);
        Assert.True(metrics.Value("pipeline_worker_stage_duration_seconds_sum{stage=\"inference\"}") > 0);
        Assert.Equal(10, metrics.Value("pipeline_worker_stage_duration_seconds_bucket{stage=\"fetch\",le=\"+Inf\"}"));
    }

    [Fact]
    public async Task HealthEndpoints_WhileConsuming_AnswerOk()
    {
        using var ready = await fixture.Http.GetAsync(new Uri($"http://127.0.0.1:{fixture.Port}/readyz"));
        using var live = await fixture.Http.GetAsync(new Uri($"http://127.0.0.1:{fixture.Port}/healthz"));
        using var unknown = await fixture.Http.GetAsync(new Uri($"http://127.0.0.1:{fixture.Port}/nothing"));

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (await ready.Content.ReadAsStringAsync()).Trim());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public void JsonLogs_ImageFailure_CarryTheJobAndMessageScope()
    {
        var line = fixture.WorkerLog.Split('\n').First(l =>
            l.Contains($"\"EventId\":{Pipeline.Common.EventIds.WorkerHost.ImageFailed},", StringComparison.Ordinal)
            && l.Contains(fixture.FolderJobId.ToString(), StringComparison.Ordinal));

        Assert.StartsWith("{", line, StringComparison.Ordinal);
        Assert.Contains($"\"Scopes\":[{{\"Message\":\"message {fixture.FolderJobId}/", line, StringComparison.Ordinal);
        Assert.Contains("\"BatchNo\":", line, StringComparison.Ordinal);
    }
}
