using System.Globalization;
using System.Text;
using Pipeline.Common;
using Pipeline.Common.Inference.Catalogue;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Serving.Pages;

/// <summary>The registered models (weights, preprocessing, pooling, width, rows, index) and the backbone catalogue.</summary>
internal static class ModelsPage
{
    public static string Render(IReadOnlyList<RegisteredModel> models, IReadOnlyList<BackboneEntry> catalogue)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(catalogue);
        var body = new StringBuilder("<h2>Registered models</h2>");
        body.Append("<table id=\"registered\"><tr><th>id</th><th>weights sha256</th><th>preprocessing</th><th>pooling</th><th>width</th>")
            .Append("<th>column</th><th>rows</th><th>HNSW index</th><th>registered</th></tr>");
        foreach (var m in models)
        {
            var id = m.Identity;
            body.Append("<tr><td><a href=\"/?model=").Append(Html.Query(id.ModelId)).Append("\">").Append(Html.Encode(id.ModelId)).Append("</a></td>")
                .Append("<td><code title=\"").Append(Html.Encode(id.WeightsSha256)).Append("\">").Append(Html.Encode(id.WeightsSha256[..Math.Min(16, id.WeightsSha256.Length)]))
                .Append("…</code></td><td>").Append(Html.Encode(id.Preprocessing)).Append("</td><td>").Append(Html.Encode(id.Pooling))
                .Append("</td><td class=\"num\">").Append(id.Dims.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
                .Append(Html.Encode(id.Storage.Describe())).Append("</td><td class=\"num\">").Append(m.IsReadable ? Html.Number(m.Rows) : "no SELECT right").Append("</td><td>")
                .Append(m.HasIndex ? "yes" : "not yet (built when the first job completes)").Append("</td><td>")
                .Append(m.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append("</td></tr>");
        }

        body.Append("</table><h2>Backbone catalogue</h2><table id=\"catalogue\"><tr><th>name</th><th>family</th><th>input</th><th>resize</th>")
            .Append("<th>preprocessing</th><th>layout</th><th>width</th><th>column</th><th>source</th></tr>");
        foreach (var e in catalogue)
        {
            body.Append("<tr><td>").Append(Html.Encode(e.Name)).Append("</td><td>").Append(Html.Encode(e.Family)).Append("</td><td class=\"num\">")
                .Append(e.InputSize.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(Html.Encode(e.DescribeResize()))
                .Append("</td><td>").Append(Html.Encode(e.DescribePreprocessing())).Append("</td><td>").Append(e.Layout.ToString().ToUpperInvariant())
                .Append("</td><td class=\"num\">").Append(e.Width.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
                .Append(Html.Encode(VectorStorage.For(e.Width, StoragePrecision.Auto).Describe())).Append("</td><td>")
                .Append(Html.Encode(e.Source.ToString())).Append("</td></tr>");
        }

        return Html.Layout("Models", body.Append("</table>").ToString());
    }
}
