using Prometheus;

namespace Pipeline.Scheduler.Serving;

/// <summary>
/// The page's own Prometheus series, next to prometheus-net's http ones (<c>http_requests_received_total</c>,
/// <c>http_request_duration_seconds</c>) on <c>/metrics</c>.
/// </summary>
internal sealed class ServingMetrics
{
    private readonly Counter _searches;
    private readonly Histogram _searchSeconds;
    private readonly Counter _thumbnails;

    public ServingMetrics()
        : this(Metrics.DefaultFactory)
    {
    }

    public ServingMetrics(IMetricFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _searches = factory.CreateCounter("pipeline_serve_searches_total", "Searches by query kind.", new CounterConfiguration { LabelNames = ["kind"] });
        _searchSeconds = factory.CreateHistogram(
            "pipeline_serve_search_duration_seconds", "Time from query to neighbours (upload: embedding included).",
            new HistogramConfiguration { LabelNames = ["kind"], Buckets = Histogram.ExponentialBuckets(0.002, 2, 14) });
        _thumbnails = factory.CreateCounter("pipeline_serve_thumbnails_total", "Thumbnail requests by result.", new CounterConfiguration { LabelNames = ["result"] });
    }

    /// <param name="kind"><c>upload</c> or <c>stored</c>.</param>
    public void Search(string kind, TimeSpan elapsed)
    {
        _searches.WithLabels(kind).Inc();
        _searchSeconds.WithLabels(kind).Observe(elapsed.TotalSeconds);
    }

    /// <param name="result"><c>hit</c>, <c>miss</c> or <c>error</c>.</param>
    public void Thumbnail(string result) => _thumbnails.WithLabels(result).Inc();
}
