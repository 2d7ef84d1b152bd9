using System.Globalization;
using System.Text.Json;
using Pipeline.Common.Sources;

namespace Pipeline.Scheduler.Duplicates;

/// <summary>Duplicate groups as CSV (<c>group,size,id,uri</c>, one line per member) or JSON; URIs redacted like all <c>pipeline</c> output.</summary>
internal static class DuplicateWriter
{
    public static async Task WriteCsvAsync(DuplicateReport report, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteLineAsync("group,size,id,uri".AsMemory(), cancellationToken).ConfigureAwait(false);
        foreach (var group in report.Groups)
        {
            foreach (var member in group.Members)
            {
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{group.Number},{group.Members.Count},{member.Id},{Csv(ImageUri.Redact(member.Uri))}").AsMemory(), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static async Task WriteJsonAsync(DuplicateReport report, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var document = new
        {
            model = report.Model,
            maxDistance = report.Query.MaxDistance,
            neighbours = report.Query.Neighbours,
            job = report.Query.JobId,
            rowsSearched = report.RowsSearched,
            pairs = report.Pairs,
            seconds = report.Elapsed.TotalSeconds,
            groups = report.Groups.Select(g => new
            {
                group = g.Number,
                size = g.Members.Count,
                maxDistance = g.MaxDistance,
                members = g.Members.Select(m => new { id = m.Id, uri = ImageUri.Redact(m.Uri) }),
            }),
        };
        await JsonSerializer.SerializeAsync(output, document, JsonOptions, cancellationToken).ConfigureAwait(false);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    // RFC 4180: quote fields holding a comma, quote or line break; double the quotes.
    private static string Csv(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
