using System.Globalization;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>A scraped Prometheus text exposition, read series by series.</summary>
public sealed class PrometheusText(string text)
{
    public string Text { get; } = text;

    /// <summary>The value of one series, written exactly as exposed: <c>name{label="value"}</c>.</summary>
    public double Value(string series)
    {
        foreach (var line in Text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        throw new KeyNotFoundException($"series {series} not exposed:\n{Text}");
    }
}
