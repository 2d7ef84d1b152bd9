using System.Globalization;
using System.Text;

namespace Pipeline.Scheduler.Serving.Pages;

/// <summary>
/// Upload an image or pick a stored one; the top-k neighbours as a grid of thumbnails with cosine distances and URIs.
/// A neighbour links to the search from it.
/// </summary>
internal static class SearchPage
{
    public static string Render(SearchView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var body = new StringBuilder();
        var k = view.K.ToString(CultureInfo.InvariantCulture);
        var ef = view.EfSearch.ToString(CultureInfo.InvariantCulture);
        body.Append("<form class=\"bar\" method=\"post\" action=\"/search\" enctype=\"multipart/form-data\" id=\"upload\">")
            .Append("<label>Model<select name=\"model\" id=\"model\" onchange=\"location='/?model='+encodeURIComponent(this.value)\">");
        foreach (var model in view.Models)
        {
            body.Append("<option").Append(model == view.Model ? " selected" : string.Empty).Append('>')
                .Append(Html.Encode(model)).Append("</option>");
        }

        body.Append("</select></label>")
            .Append("<label>k<input type=\"number\" name=\"k\" min=\"1\" max=\"1000\" value=\"").Append(k).Append("\" style=\"width:5em\"></label>")
            .Append("<label>hnsw.ef_search<input type=\"number\" name=\"ef_search\" min=\"1\" max=\"1000\" value=\"").Append(ef)
            .Append("\" style=\"width:6em\"></label>")
            .Append("<label>Query image (embedded with ").Append(Html.Encode(view.UploadModel))
            .Append(")<input type=\"file\" name=\"image\" id=\"image\" accept=\"image/*\" required></label>")
            .Append("<button type=\"submit\">Search</button></form>");

        if (view.Error is not null)
        {
            body.Append(Html.Error(view.Error));
        }

        if (view.QueryLabel is not null)
        {
            body.Append("<div class=\"query\">");
            if (view.QueryImage is not null)
            {
                body.Append("<img alt=\"query\" src=\"").Append(Html.Encode(view.QueryImage)).Append("\">");
            }

            body.Append("<div>Neighbours of <code id=\"query-label\">").Append(Html.Uri(view.QueryLabel)).Append("</code><br><span class=\"muted\">")
                .Append(Html.Encode(view.Model)).Append(", k ").Append(k).Append(", ef_search ").Append(ef).Append("</span></div></div>");
        }

        if (view.Hits.Count > 0)
        {
            Grid(body, view, view.Hits, withDistance: true, id: "results");
        }
        else if (view.QueryLabel is null && view.Recent.Count > 0)
        {
            body.Append("<p class=\"muted\">Upload an image, or pick a stored one to search from:</p>");
            Grid(body, view, view.Recent, withDistance: false, id: "recent");
        }
        else if (view.QueryLabel is null && view.Model is null)
        {
            body.Append("<p class=\"muted\">No model is registered yet: run a worker and a job first.</p>");
        }

        return Html.Layout("Search", body.ToString());
    }

    private static void Grid(StringBuilder body, SearchView view, IReadOnlyList<SearchHit> hits, bool withDistance, string id)
    {
        var model = Html.Query(view.Model ?? string.Empty);
        body.Append("<div class=\"grid\" id=\"").Append(id).Append("\">");
        foreach (var hit in hits)
        {
            var rowId = hit.Id.ToString(CultureInfo.InvariantCulture);
            body.Append("<a class=\"hit\" href=\"/?model=").Append(model).Append("&amp;id=").Append(rowId)
                .Append("&amp;k=").Append(view.K.ToString(CultureInfo.InvariantCulture))
                .Append("&amp;ef_search=").Append(view.EfSearch.ToString(CultureInfo.InvariantCulture))
                .Append("\" data-distance=\"").Append(Html.Number(hit.Distance, "0.000000")).Append("\">")
                .Append("<img loading=\"lazy\" alt=\"\" src=\"/thumb/").Append(model).Append('/').Append(rowId).Append("\">");
            if (withDistance)
            {
                body.Append("<div class=\"d\">").Append(Html.Number(hit.Distance, "0.0000")).Append("</div>");
            }

            body.Append("<div class=\"u\">").Append(Html.Uri(hit.Uri)).Append("</div></a>");
        }

        body.Append("</div>");
    }
}
