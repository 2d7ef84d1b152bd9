using System.Text;

namespace Pipeline.Scheduler.Serving.Pages;

/// <summary>One job: its counts (refreshed live from <c>/api/jobs/{id}</c>) and its failures grouped by reason, with thumbnails.</summary>
internal static class JobPage
{
    private const string Script = """
        const id = document.querySelector('#job').dataset.id;
        async function refresh() {
          try {
            const r = await fetch('/api/jobs/' + id, { credentials: 'same-origin' });
            if (!r.ok) return;
            const j = (await r.json()).job;
            for (const k of ['state', 'total', 'embedded', 'failed', 'skipped', 'pending', 'rateText', 'etaText']) {
              const el = document.querySelector('[data-field="' + k + '"]');
              if (el) el.textContent = j[k] == null ? '?' : (typeof j[k] === 'number' ? j[k].toLocaleString('en') : j[k]);
            }
            document.querySelector('.bar-in').style.width = ((j.fraction ?? 0) * 100) + '%';
            if (j.state === 'completed') clearInterval(timer);
          } catch (e) { /* the next tick tries again */ }
        }
        const timer = setInterval(refresh, 2000);
        const retry = document.querySelector('#retry');
        if (retry) retry.addEventListener('click', async () => {
          retry.disabled = true;
          const out = document.querySelector('#retry-result');
          try {
            const r = await fetch('/api/jobs/' + id + '/retry', { method: 'POST', credentials: 'same-origin' });
            const j = await r.json();
            out.textContent = r.ok ? j.images + ' failed images queued again in ' + j.messages + ' messages' : j.error;
          } catch (e) { out.textContent = 'retry failed: ' + e; retry.disabled = false; }
        });
        """;

    /// <param name="allowRetry">Whether the server offers the retry action (<see cref="ServeOptions.AllowRetry"/>).</param>
    public static string Render(JobSummary job, IReadOnlyList<FailureGroup> failures, bool allowRetry = false)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(failures);
        var body = new StringBuilder();
        body.Append("<h2 id=\"job\" data-id=\"").Append(job.Id).Append("\">Job ").Append(job.Id).Append("</h2>")
            .Append("<table><tr><th>model</th><td>").Append(Html.Encode(job.Model)).Append("</td></tr>")
            .Append("<tr><th>source</th><td>").Append(Html.Encode(job.Source)).Append("</td></tr>")
            .Append(Row("state", "state", Html.Encode(job.State)))
            .Append("<tr><th>progress</th><td>").Append(JobsPage.ProgressBar(job.Fraction)).Append("</td></tr>")
            .Append(Row("images", "total", job.Total is { } t ? Html.Number(t) : "?"))
            .Append(Row("embedded", "embedded", Html.Number(job.Embedded)))
            .Append(Row("failed", "failed", Html.Number(job.Failed)))
            .Append(Row("skipped", "skipped", Html.Number(job.Skipped)))
            .Append(Row("pending", "pending", job.Pending is { } p ? Html.Number(p) : "?"))
            .Append(Row("rate", "rateText", Html.Encode(job.RateText)))
            .Append(Row("ETA", "etaText", Html.Encode(job.EtaText)))
            .Append("</table>");

        body.Append("<h3>Failures by reason</h3>");
        if (failures.Count == 0)
        {
            body.Append("<p class=\"muted\" id=\"no-failures\">No failures.</p>");
        }
        else if (allowRetry)
        {
            body.Append("<p><button id=\"retry\" type=\"button\">Retry failed images</button> <span id=\"retry-result\" class=\"muted\"></span></p>");
        }

        foreach (var group in failures)
        {
            body.Append("<section class=\"failure-group\" data-reason=\"").Append(Html.Encode(group.Reason)).Append("\"><h4>")
                .Append(Html.Encode(group.Reason)).Append(" <span class=\"muted\">(").Append(Html.Number(group.Count))
                .Append(group.Count > group.Samples.Count ? $", first {group.Samples.Count} shown" : string.Empty)
                .Append(")</span></h4><div class=\"sheet\">");
            foreach (var sample in group.Samples)
            {
                body.Append("<figure><img loading=\"lazy\" alt=\"\" src=\"/thumb/failure/").Append(job.Id).Append('/').Append(sample.Key)
                    .Append("\"><figcaption><b>").Append(Html.Uri(sample.Uri)).Append("</b><br>").Append(Html.Encode(sample.Message))
                    .Append(sample.Attempts > 1 ? $" ({sample.Attempts} attempts)" : string.Empty).Append("</figcaption></figure>");
            }

            body.Append("</div></section>");
        }

        return Html.Layout("Job " + job.Id, body.ToString(), Script);
    }

    private static string Row(string label, string field, string value) =>
        $"<tr><th>{label}</th><td class=\"num\" data-field=\"{field}\">{value}</td></tr>";
}
