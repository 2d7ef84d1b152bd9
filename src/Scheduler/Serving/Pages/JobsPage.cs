using System.Text;

namespace Pipeline.Scheduler.Serving.Pages;

/// <summary>The jobs with state and progress; the rows refresh from <c>/api/jobs</c> every two seconds.</summary>
internal static class JobsPage
{
    // Rebuilds the rows from the API; textContent only, so nothing from the database is parsed as HTML.
    private const string Script = """
        const fmt = n => n == null ? '?' : n.toLocaleString('en');
        function cell(tr, text, cls) { const td = tr.insertCell(); td.textContent = text; if (cls) td.className = cls; return td; }
        async function refresh() {
          try {
            const r = await fetch('/api/jobs', { credentials: 'same-origin' });
            if (!r.ok) return;
            const jobs = await r.json(), body = document.querySelector('#jobs tbody');
            body.replaceChildren();
            for (const j of jobs) {
              const tr = body.insertRow(); tr.dataset.state = j.state;
              const a = document.createElement('a'); a.href = '/jobs/' + j.id; a.textContent = j.id; tr.insertCell().append(a);
              cell(tr, j.model); cell(tr, j.state);
              const bar = tr.insertCell(), out = document.createElement('div'), inner = document.createElement('div');
              out.className = 'bar-out'; inner.className = 'bar-in'; inner.style.width = ((j.fraction ?? 0) * 100) + '%'; out.append(inner); bar.append(out);
              cell(tr, fmt(j.total), 'num'); cell(tr, fmt(j.embedded), 'num'); cell(tr, fmt(j.failed), 'num');
              cell(tr, fmt(j.skipped), 'num'); cell(tr, fmt(j.pending), 'num'); cell(tr, j.rateText, 'num'); cell(tr, j.etaText, 'num');
              cell(tr, j.source);
            }
            document.querySelector('#updated').textContent = 'updated ' + new Date().toLocaleTimeString();
          } catch (e) { /* the next tick tries again */ }
        }
        refresh(); setInterval(refresh, 2000);
        """;

    public static string Render(IReadOnlyList<JobSummary> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var body = new StringBuilder("<h2>Jobs <small class=\"muted\" id=\"updated\"></small></h2>");
        body.Append("<table id=\"jobs\"><thead><tr><th>job</th><th>model</th><th>state</th><th>progress</th><th>images</th><th>embedded</th>")
            .Append("<th>failed</th><th>skipped</th><th>pending</th><th>rate</th><th>ETA</th><th>source</th></tr></thead><tbody>");
        foreach (var j in jobs)
        {
            body.Append("<tr data-state=\"").Append(Html.Encode(j.State)).Append("\"><td><a href=\"/jobs/").Append(j.Id).Append("\">").Append(j.Id)
                .Append("</a></td><td>").Append(Html.Encode(j.Model)).Append("</td><td>").Append(Html.Encode(j.State)).Append("</td><td>")
                .Append(ProgressBar(j.Fraction)).Append("</td>")
                .Append(Num(j.Total)).Append(Num(j.Embedded)).Append(Num(j.Failed)).Append(Num(j.Skipped)).Append(Num(j.Pending))
                .Append("<td class=\"num\">").Append(Html.Encode(j.RateText)).Append("</td><td class=\"num\">").Append(Html.Encode(j.EtaText))
                .Append("</td><td>").Append(Html.Encode(j.Source)).Append("</td></tr>");
        }

        body.Append("</tbody></table>");
        return Html.Layout("Jobs", body.ToString(), Script);
    }

    internal static string ProgressBar(double? fraction) =>
        $"<div class=\"bar-out\"><div class=\"bar-in\" style=\"width:{Html.Number((fraction ?? 0) * 100, "0.#")}%\"></div></div>";

    private static string Num(long? value) => $"<td class=\"num\">{(value is { } v ? Html.Number(v) : "?")}</td>";
}
