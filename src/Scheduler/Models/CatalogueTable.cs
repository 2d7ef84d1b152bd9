using System.Globalization;
using System.Text;
using Pipeline.Common;
using Pipeline.Common.Inference.Catalogue;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Models;

/// <summary>The backbone catalogue as a fixed-width text table, notes below it.</summary>
internal static class CatalogueTable
{
    private static readonly string[] Header =
        ["name", "family", "input", "resize", "preprocessing", "layout", "width", "column", "source"];

    public static string Render(IReadOnlyList<BackboneEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var rows = entries.Select(e => new[]
        {
            e.Name,
            e.Family,
            e.InputSize.ToString(CultureInfo.InvariantCulture),
            e.DescribeResize(),
            e.DescribePreprocessing(),
            e.Layout.ToString().ToUpperInvariant(),
            e.Width.ToString(CultureInfo.InvariantCulture),
            VectorStorage.For(e.Width, StoragePrecision.Auto).Describe(),
            e.Source.ToString(),
        }).ToList();
        var widths = Enumerable.Range(0, Header.Length).Select(c => rows.Select(r => r[c].Length).Prepend(Header[c].Length).Max()).ToArray();

        var text = new StringBuilder();
        AppendRow(text, Header, widths);
        foreach (var row in rows)
        {
            AppendRow(text, row, widths);
        }

        text.AppendLine()
            .AppendLine("width: pooled features for avg, max and gem alike; column: pgvector type (+bit: HNSW on binary_quantize, exact re-rank)");
        foreach (var entry in entries.Where(e => e.Note is not null))
        {
            text.Append(CultureInfo.InvariantCulture, $"{entry.Name}: {entry.Note}").AppendLine();
        }

        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        for (var c = 0; c < cells.Length; c++)
        {
            text.Append(c == cells.Length - 1 ? cells[c] : cells[c].PadRight(widths[c] + 2));
        }

        text.AppendLine();
    }
}
