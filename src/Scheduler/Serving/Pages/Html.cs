using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Pipeline.Common.Sources;

namespace Pipeline.Scheduler.Serving.Pages;

/// <summary>
/// Small helpers shared by the server-rendered pages. Everything from the database or the request is encoded here,
/// and URIs are shown redacted (<see cref="ImageUri.Redact"/>): no SAS token or password reaches a page.
/// </summary>
internal static class Html
{
    private const string Style = """
        body{font:14px system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
        header{background:#263238;color:#fff;padding:10px 20px;display:flex;gap:20px;align-items:center}
        header a{color:#cfd8dc;text-decoration:none}header a:hover{color:#fff}header b{margin-right:20px}
        main{padding:16px 20px}form.bar{display:flex;flex-wrap:wrap;gap:12px;align-items:end;margin-bottom:14px}
        label{display:flex;flex-direction:column;font-size:12px;color:#555}input,select,button{font:inherit;padding:4px 6px}
        .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}
        .hit{display:block;background:#fff;border:1px solid #ddd;border-radius:6px;padding:6px;text-decoration:none;color:inherit}
        .hit:hover{border-color:#1976d2}.hit img{width:100%;height:170px;object-fit:contain;background:#eee;display:block}
        .hit .d{font-weight:600;font-variant-numeric:tabular-nums}.hit .u{font-size:11px;color:#666;word-break:break-all}
        .query{display:flex;gap:14px;align-items:center;margin:8px 0 16px}.query img{max-height:120px;border:2px solid #1976d2}
        table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
        .num{text-align:right;font-variant-numeric:tabular-nums}.bar-out{width:160px;height:10px;background:#eee;border-radius:5px}
        .bar-in{height:10px;background:#43a047;border-radius:5px}.error{color:#b71c1c;background:#ffebee;padding:8px;border-radius:4px}
        .muted{color:#777}.sheet{display:flex;flex-wrap:wrap;gap:8px;background:#fff;border:1px solid #ddd;padding:8px;margin-bottom:12px}
        .sheet figure{margin:0;width:160px}.sheet img{width:160px;height:120px;object-fit:contain;background:#eee}
        .sheet figcaption{font-size:11px;color:#666;word-break:break-all}code{font-size:12px}
        """;

    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    /// <summary>A stored URI as the pages show it: credentials and query string redacted, then encoded.</summary>
    public static string Uri(string uri) => Encode(ImageUri.Redact(uri));

    public static string Query(string value) => UrlEncoder.Default.Encode(value);

    public static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The page frame: title, navigation, body.</summary>
    public static string Layout(string title, string body, string? script = null)
    {
        var page = new StringBuilder();
        page.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(Encode(title)).Append(" · pipeline</title><style>").Append(Style).Append("</style></head><body>")
            .Append("<header><b>pipeline</b><a href=\"/\">Search</a><a href=\"/jobs\">Jobs</a><a href=\"/models\">Models</a>")
            .Append("<a href=\"/duplicates\">Duplicates</a></header><main>")
            .Append(body).Append("</main>");
        if (script is not null)
        {
            page.Append("<script>").Append(script).Append("</script>");
        }

        return page.Append("</body></html>").ToString();
    }

    public static Task WriteAsync(HttpContext context, string html, int status = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(html, context.RequestAborted);
    }

    public static string Error(string message) => $"<p class=\"error\">{Encode(message)}</p>";
}
