using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Pipeline.Common;
using Pipeline.Common.Inference.Catalogue;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.Scheduler.Duplicates;
using Pipeline.Scheduler.Recovery;
using Pipeline.Scheduler.Serving.Pages;

namespace Pipeline.Scheduler.Serving;

/// <summary>The routes of <c>pipeline serve</c>: pages, JSON API and thumbnails (health and metrics are mapped by the host).</summary>
internal static class ServingEndpoints
{
    private const int JobsShown = 100;
    private const int FailuresPerReason = 24;
    private const int RecentShown = 24;

    public static IEndpointRouteBuilder MapServing(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/", SearchPageAsync);
        app.MapPost("/search", UploadPageAsync).DisableAntiforgery();
        app.MapGet("/jobs", async (ServingQueries q, CancellationToken ct) =>
            Results.Content(JobsPage.Render([.. (await q.JobsAsync(JobsShown, ct)).Select(JobSummary.From)]), "text/html; charset=utf-8"));
        app.MapGet("/jobs/{id:guid}", JobPageAsync);
        app.MapGet("/models", async (ServingQueries q, CancellationToken ct) =>
            Results.Content(ModelsPage.Render(await q.ModelsAsync(ct), BackboneCatalogue.All), "text/html; charset=utf-8"));
        app.MapGet("/duplicates", DuplicatesPageAsync);
        app.MapGet("/thumb/{model}/{id:long}", StoredThumbnailAsync);
        app.MapGet("/thumb/failure/{job:guid}/{key}", FailureThumbnailAsync);
        app.MapPost("/login", LoginAsync).DisableAntiforgery();

        var api = app.MapGroup("/api");
        api.MapGet("/models", async (ServingQueries q, CancellationToken ct) => Results.Json((await q.ModelsAsync(ct)).Select(m => new
        {
            id = m.Identity.ModelId,
            weightsSha256 = m.Identity.WeightsSha256,
            preprocessing = m.Identity.Preprocessing,
            pooling = m.Identity.Pooling,
            width = m.Identity.Dims,
            column = m.Identity.Storage.Describe(),
            rows = m.Rows,
            readable = m.IsReadable,
            hnswIndex = m.HasIndex,
        })));
        api.MapGet("/search", ApiStoredSearchAsync);
        api.MapPost("/search", ApiUploadSearchAsync);
        api.MapGet("/jobs", async (ServingQueries q, CancellationToken ct) => Results.Json((await q.JobsAsync(JobsShown, ct)).Select(JobSummary.From)));
        api.MapGet("/jobs/{id:guid}", ApiJobAsync);
        api.MapPost("/jobs/{id:guid}/retry", ApiRetryAsync);
        api.MapGet("/duplicates", ApiDuplicatesAsync);
        return app;
    }

    private static async Task<IResult> SearchPageAsync(
        HttpRequest request, SearchService searches, ServingQueries queries, UploadEmbedder embedder, IOptions<ServeOptions> options, CancellationToken ct)
    {
        var models = (await queries.ModelsAsync(ct)).Where(m => m.IsReadable).Select(m => m.Identity.ModelId).ToList();
        var model = request.Query["model"].FirstOrDefault() ?? (models.Contains(embedder.ModelId) ? embedder.ModelId : models.FirstOrDefault());
        var parameters = SearchParameters.From(request.Query, options.Value);
        var id = long.TryParse(request.Query["id"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var rowId) ? rowId : (long?)null;
        var uri = request.Query["uri"].FirstOrDefault();
        var view = new SearchView(models, model, embedder.ModelId, parameters.K, parameters.EfSearch, null, null, [], [], null);
        if (id is not null || !string.IsNullOrEmpty(uri))
        {
            var outcome = await searches.FromStoredAsync(model, id, uri, parameters.K, parameters.EfSearch, ct);
            view = view with
            {
                QueryLabel = outcome.QueryUri ?? uri ?? "#" + id,
                QueryImage = outcome.QueryId is { } qid ? $"/thumb/{Html.Query(model ?? string.Empty)}/{qid.ToString(CultureInfo.InvariantCulture)}" : null,
                Hits = outcome.Hits,
                Error = outcome.Error,
            };
        }
        else if (await searches.ModelAsync(model, ct) is { } identity)
        {
            view = view with { Recent = await queries.RecentAsync(identity, RecentShown, ct) };
        }

        return Results.Content(SearchPage.Render(view), "text/html; charset=utf-8");
    }

    private static async Task<IResult> UploadPageAsync(
        HttpRequest request, SearchService searches, ServingQueries queries, UploadEmbedder embedder, IOptions<ServeOptions> options, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var models = (await queries.ModelsAsync(ct)).Where(m => m.IsReadable).Select(m => m.Identity.ModelId).ToList();
        var model = form["model"].FirstOrDefault() ?? embedder.ModelId;
        var parameters = SearchParameters.From(name => form[name].FirstOrDefault(), options.Value);
        var file = form.Files.GetFile("image");
        var view = new SearchView(models, model, embedder.ModelId, parameters.K, parameters.EfSearch, file?.FileName ?? "upload", null, [], [], null);
        if (file is null || file.Length == 0)
        {
            return Results.Content(SearchPage.Render(view with { Error = "choose an image file to upload" }), "text/html; charset=utf-8", statusCode: 400);
        }

        var bytes = await ReadAllAsync(file.OpenReadStream(), ct);
        var outcome = await searches.FromUploadAsync(model, bytes, parameters.K, parameters.EfSearch, ct);
        string? preview = null;
        try
        {
            preview = "data:image/jpeg;base64," + Convert.ToBase64String(ThumbnailRenderer.Render(bytes, options.Value.ThumbnailSize));
        }
        catch (ImageFailureException)
        {
            // The search outcome already says why the file is unusable.
        }

        return Results.Content(
            SearchPage.Render(view with { QueryImage = preview, Hits = outcome.Hits, Error = outcome.Error }),
            "text/html; charset=utf-8",
            statusCode: outcome.Status);
    }

    private static async Task<IResult> JobPageAsync(Guid id, JobStore jobs, ServingQueries queries, IOptions<ServeOptions> options, CancellationToken ct)
    {
        if (await jobs.GetAsync(id, ct) is not { } found)
        {
            return Results.Content(Html.Layout("Job", Html.Error($"no job {id}")), "text/html; charset=utf-8", statusCode: 404);
        }

        var summary = JobSummary.From(Status.JobProgress.From(found.Status, found.DoneAtEnqueue));
        return Results.Content(JobPage.Render(summary, await queries.FailuresAsync(id, FailuresPerReason, ct), options.Value.AllowRetry), "text/html; charset=utf-8");
    }

    private static async Task<IResult> DuplicatesPageAsync(
        HttpRequest request, SearchService searches, ServingQueries queries, DuplicateFinder finder, UploadEmbedder embedder, CancellationToken ct)
    {
        var models = (await queries.ModelsAsync(ct)).Where(m => m.IsReadable).Select(m => m.Identity.ModelId).ToList();
        var model = request.Query["model"].FirstOrDefault() ?? (models.Contains(embedder.ModelId) ? embedder.ModelId : models.FirstOrDefault());
        var distance = double.TryParse(request.Query["max_distance"], NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0.1;
        var jobText = request.Query["job"].FirstOrDefault();
        if (!request.Query.ContainsKey("max_distance"))
        {
            return Results.Content(DuplicatesPage.Render(models, model, distance, jobText, null, null), "text/html; charset=utf-8");
        }

        var (report, error) = await DuplicatesAsync(searches, finder, model, distance, jobText, ct);
        return Results.Content(DuplicatesPage.Render(models, model, distance, jobText, report, error), "text/html; charset=utf-8");
    }

    private static async Task<(DuplicateReport? Report, string? Error)> DuplicatesAsync(
        SearchService searches, DuplicateFinder finder, string? model, double distance, string? jobText, CancellationToken ct)
    {
        if (await searches.ModelAsync(model, ct) is not { } identity)
        {
            return (null, $"no registered model '{model}'");
        }

        Guid? job = null;
        if (!string.IsNullOrWhiteSpace(jobText))
        {
            if (!Guid.TryParse(jobText, out var parsed))
            {
                return (null, "job must be a job id");
            }

            job = parsed;
        }

        if (distance is < 0 or > 2)
        {
            return (null, "max_distance is a cosine distance, 0 to 2");
        }

        return (await finder.FindAsync(identity, new DuplicateQuery(distance, job), null, ct), null);
    }

    private static async Task<IResult> StoredThumbnailAsync(
        string model, long id, SearchService searches, ServingQueries queries, ThumbnailCache thumbnails, CancellationToken ct)
    {
        if (await searches.ModelAsync(model, ct) is not { } identity || await queries.StoredUriAsync(identity, id, ct) is not { } uri)
        {
            return Results.NotFound();
        }

        return Picture(await thumbnails.GetAsync($"stored:{model}:{id}", uri, ct));
    }

    private static async Task<IResult> FailureThumbnailAsync(Guid job, string key, ServingQueries queries, ThumbnailCache thumbnails, CancellationToken ct)
    {
        if (await queries.FailureUriAsync(job, key, ct) is not { } uri)
        {
            return Results.NotFound();
        }

        return Picture(await thumbnails.GetAsync($"failure:{job}:{key}", uri, ct));
    }

    // An unreadable image still gets a picture (its reason, drawn as SVG), so the page's grid keeps its shape.
    private static IResult Picture(Thumbnail thumbnail) =>
        thumbnail.Problem is null
            ? Results.File(thumbnail.Jpeg, "image/jpeg")
            : Results.Text(
                $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"192\" height=\"144\"><rect width=\"100%\" height=\"100%\" fill=\"#ffebee\"/>" +
                $"<text x=\"8\" y=\"24\" font-size=\"12\" fill=\"#b71c1c\" font-family=\"sans-serif\">unreadable</text>" +
                $"<text x=\"8\" y=\"44\" font-size=\"10\" fill=\"#555\" font-family=\"sans-serif\">{Html.Encode(Shorten(thumbnail.Problem, 40))}</text></svg>",
                "image/svg+xml", Encoding.UTF8);

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static async Task<IResult> LoginAsync(HttpRequest request, HttpResponse response, ServeToken token, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        if (!token.Matches(form["token"].FirstOrDefault()))
        {
            return Results.Content(LoginPage.Render(failed: true), "text/html; charset=utf-8", statusCode: 401);
        }

        response.Cookies.Append(ServeToken.CookieName, form["token"].ToString(), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = request.IsHttps,
            Path = "/",
        });
        return Results.Redirect("/");
    }

    private static async Task<IResult> ApiStoredSearchAsync(
        HttpRequest request, SearchService searches, UploadEmbedder embedder, IOptions<ServeOptions> options, CancellationToken ct)
    {
        var parameters = SearchParameters.From(request.Query, options.Value);
        var id = long.TryParse(request.Query["id"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var rowId) ? rowId : (long?)null;
        var uri = request.Query["uri"].FirstOrDefault();
        if (id is null && string.IsNullOrEmpty(uri))
        {
            return Results.Json(new { error = "give uri= (as stored) or id= of an indexed image; POST image bytes to search by upload" }, statusCode: 400);
        }

        var model = request.Query["model"].FirstOrDefault() ?? embedder.ModelId;
        return ApiResult(model, parameters, await searches.FromStoredAsync(model, id, uri, parameters.K, parameters.EfSearch, ct));
    }

    private static async Task<IResult> ApiUploadSearchAsync(
        HttpRequest request, SearchService searches, UploadEmbedder embedder, IOptions<ServeOptions> options, CancellationToken ct)
    {
        var parameters = SearchParameters.From(request.Query, options.Value);
        var model = request.Query["model"].FirstOrDefault() ?? embedder.ModelId;
        var bytes = await ReadAllAsync(request.Body, ct);
        if (bytes.Length == 0)
        {
            return Results.Json(new { error = "the request body must be the image's bytes" }, statusCode: 400);
        }

        return ApiResult(model, parameters, await searches.FromUploadAsync(model, bytes, parameters.K, parameters.EfSearch, ct));
    }

    private static IResult ApiResult(string model, SearchParameters parameters, SearchOutcome outcome) =>
        outcome.Error is not null
            ? Results.Json(new { error = outcome.Error }, statusCode: outcome.Status)
            : Results.Json(new
            {
                model,
                k = parameters.K,
                efSearch = parameters.EfSearch,
                query = outcome.QueryUri is null ? null : new { id = outcome.QueryId, uri = ImageUri.Redact(outcome.QueryUri) },
                neighbours = outcome.Hits.Select((h, i) => new
                {
                    rank = i + 1,
                    id = h.Id,
                    uri = ImageUri.Redact(h.Uri),
                    distance = h.Distance,
                    thumbnail = $"/thumb/{Html.Query(model)}/{h.Id.ToString(CultureInfo.InvariantCulture)}",
                }),
            });

    private static async Task<IResult> ApiJobAsync(Guid id, JobStore jobs, ServingQueries queries, CancellationToken ct)
    {
        if (await jobs.GetAsync(id, ct) is not { } found)
        {
            return Results.Json(new { error = $"no job {id}" }, statusCode: 404);
        }

        var failures = await queries.FailuresAsync(id, FailuresPerReason, ct);
        return Results.Json(new
        {
            job = JobSummary.From(Status.JobProgress.From(found.Status, found.DoneAtEnqueue)),
            failures = failures.Select(g => new
            {
                reason = g.Reason,
                count = g.Count,
                examples = g.Samples.Select(s => new
                {
                    uri = ImageUri.Redact(s.Uri),
                    message = s.Message,
                    attempts = s.Attempts,
                    thumbnail = $"/thumb/failure/{id}/{s.Key}",
                }),
            }),
        });
    }

    // Queues the job's failed images again through pipeline retry's service; ?reason= (repeatable) narrows it.
    private static async Task<IResult> ApiRetryAsync(Guid id, HttpRequest request, JobRetrier retries, IOptions<ServeOptions> options, CancellationToken ct)
    {
        if (!options.Value.AllowRetry)
        {
            return Results.Json(
                new { error = "retry is off on this server: set Serve:AllowRetry=true with a database role that may write failures and jobs" },
                statusCode: 403);
        }

        // A form or script on another site must not trigger it (browsers send Origin on cross-site POSTs).
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && (!Uri.TryCreate(origin, UriKind.Absolute, out var from) || from.Authority != request.Host.Value))
        {
            return Results.Json(new { error = "retry must come from this server's own page" }, statusCode: 403);
        }

        var reasons = new List<FailureReason>();
        foreach (var text in request.Query["reason"])
        {
            if (!Enum.TryParse<FailureReason>(text, ignoreCase: false, out var reason) || !Enum.IsDefined(reason))
            {
                return Results.Json(new { error = $"unknown reason '{text}'; one of {string.Join(", ", Enum.GetNames<FailureReason>())}" }, statusCode: 400);
            }

            reasons.Add(reason);
        }

        if (await retries.QueueAsync(id, reasons, ct) is not { } outcome)
        {
            return Results.Json(new { error = $"no job {id}" }, statusCode: 404);
        }

        return Results.Json(new { job = id, images = outcome.Images, messages = outcome.Messages });
    }

    private static async Task<IResult> ApiDuplicatesAsync(HttpRequest request, SearchService searches, DuplicateFinder finder, UploadEmbedder embedder, CancellationToken ct)
    {
        if (!double.TryParse(request.Query["max_distance"], NumberStyles.Float, CultureInfo.InvariantCulture, out var distance))
        {
            return Results.Json(new { error = "max_distance (a cosine distance) is required" }, statusCode: 400);
        }

        var (report, error) = await DuplicatesAsync(
            searches, finder, request.Query["model"].FirstOrDefault() ?? embedder.ModelId, distance, request.Query["job"].FirstOrDefault(), ct);
        if (report is null)
        {
            return Results.Json(new { error }, statusCode: error!.StartsWith("no registered", StringComparison.Ordinal) ? 404 : 400);
        }

        return Results.Json(new
        {
            model = report.Model,
            maxDistance = distance,
            rowsSearched = report.RowsSearched,
            pairs = report.Pairs,
            groups = report.Groups.Select(g => new
            {
                group = g.Number,
                maxDistance = g.MaxDistance,
                members = g.Members.Select(m => new { id = m.Id, uri = ImageUri.Redact(m.Uri) }),
            }),
        });
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken ct)
    {
        await using (stream)
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            return buffer.ToArray();
        }
    }
}
