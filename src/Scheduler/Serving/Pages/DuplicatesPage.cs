using System.Globalization;
using System.Text;
using Pipeline.Scheduler.Duplicates;

namespace Pipeline.Scheduler.Serving.Pages;

/// <summary>Near-duplicate groups of a model as contact sheets (the same groups <c>pipeline duplicates</c> writes).</summary>
internal static class DuplicatesPage
{
    /// <summary>Groups drawn on one page; the CSV/JSON of the command has them all.</summary>
    public const int MaxGroupsShown = 200;

    public static string Render(IReadOnlyList<string> models, string? model, double maxDistance, string? job, DuplicateReport? report, string? error)
    {
        ArgumentNullException.ThrowIfNull(models);
        var body = new StringBuilder("<h2>Near-duplicates</h2><form class=\"bar\" method=\"get\" action=\"/duplicates\"><label>Model<select name=\"model\">");
        foreach (var m in models)
        {
            body.Append("<option").Append(m == model ? " selected" : string.Empty).Append('>').Append(Html.Encode(m)).Append("</option>");
        }

        body.Append("</select></label><label>max cosine distance<input type=\"number\" step=\"0.001\" min=\"0\" max=\"2\" name=\"max_distance\" value=\"")
            .Append(Html.Number(maxDistance, "0.###")).Append("\" style=\"width:7em\"></label><label>job (optional)<input name=\"job\" value=\"")
            .Append(Html.Encode(job)).Append("\" style=\"width:22em\"></label><button type=\"submit\">Find groups</button></form>");
        if (error is not null)
        {
            body.Append(Html.Error(error));
        }

        if (report is not null)
        {
            body.Append("<p class=\"muted\" id=\"summary\">").Append(Html.Number(report.RowsSearched)).Append(" images searched, ")
                .Append(Html.Number(report.Pairs)).Append(" pairs within ").Append(Html.Number(maxDistance, "0.###")).Append(", ")
                .Append(Html.Number(report.Groups.Count)).Append(" groups, in ").Append(Html.Number(report.Elapsed.TotalSeconds, "0.00")).Append(" s</p>");
            foreach (var group in report.Groups.Take(MaxGroupsShown))
            {
                body.Append("<h4>Group ").Append(group.Number.ToString(CultureInfo.InvariantCulture)).Append(" <span class=\"muted\">(")
                    .Append(group.Members.Count.ToString(CultureInfo.InvariantCulture)).Append(" images, pairs up to ")
                    .Append(Html.Number(group.MaxDistance, "0.0000")).Append(")</span></h4><div class=\"sheet dup-group\">");
                foreach (var member in group.Members)
                {
                    body.Append("<figure><img loading=\"lazy\" alt=\"\" src=\"/thumb/").Append(Html.Query(report.Model)).Append('/')
                        .Append(member.Id.ToString(CultureInfo.InvariantCulture)).Append("\"><figcaption>").Append(Html.Uri(member.Uri))
                        .Append("</figcaption></figure>");
                }

                body.Append("</div>");
            }
        }

        return Html.Layout("Duplicates", body.ToString());
    }
}
