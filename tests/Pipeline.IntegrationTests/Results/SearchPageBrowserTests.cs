using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using Pipeline.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Pipeline.IntegrationTests.Results;

/// <summary>
/// The page in a real browser: Debian's chromium (installed by scripts/test.sh) driven by Playwright's bundled node
/// driver. Screenshots go to .local/screenshots/.
/// </summary>
[Collection(ResultsGroup.Name)]
public sealed class SearchPageBrowserTests(ResultsFixture fixture, ITestOutputHelper log)
{
    private static readonly string Screenshots = Path.Combine(RepoPaths.Root, ".local", "screenshots");

    [Fact]
    public async Task SearchPage_UploadMotorcycle_FindsItsStereoTwinFirstAndJobPageGroupsFailures()
    {
        Directory.CreateDirectory(Screenshots);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + ResultsFixture.Token },
        });
        var page = await context.NewPageAsync();

        await page.GotoAsync(fixture.Address + "/?model=" + fixture.ModelId);
        await page.SetInputFilesAsync("#image", RepoPaths.Sample("motorcycle_left.png"));
        await page.ClickAsync("#upload button[type=submit]");
        await page.WaitForSelectorAsync("#results .hit");
        await WaitForImagesAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "search.png"), FullPage = true });

        var first = page.Locator("#results .hit").First;
        Assert.EndsWith("/motorcycle_right.png", (await first.Locator(".u").InnerTextAsync()).Trim(), StringComparison.Ordinal);
        var distance = double.Parse(await first.GetAttributeAsync("data-distance") ?? "2", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(distance, 0, 0.1);
        Assert.Equal(12, await page.Locator("#results .hit").CountAsync());
        Assert.True(await first.Locator("img").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "the neighbour's thumbnail did not load");

        // Clicking a neighbour searches from it: its own stored vector comes back first, at distance 0.
        await first.ClickAsync();
        await page.WaitForSelectorAsync("#query-label");
        Assert.EndsWith("/motorcycle_right.png", await page.InnerTextAsync("#query-label"), StringComparison.Ordinal);
        Assert.Equal("0.000000", await page.Locator("#results .hit").First.GetAttributeAsync("data-distance"));

        await page.GotoAsync($"{fixture.Address}/jobs/{fixture.Job.JobId}");
        await page.WaitForSelectorAsync(".failure-group");
        await WaitForImagesAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "job.png"), FullPage = true });
        var reasons = await page.Locator(".failure-group").EvaluateAllAsync<string[]>("groups => groups.map(g => g.dataset.reason)");
        Assert.Equal(["Undecodable"], reasons.Distinct().ToArray());
        Assert.Equal(3, await page.Locator(".failure-group figure").CountAsync());
        Assert.Equal("3", (await page.InnerTextAsync("[data-field=failed]")).Trim());

        await page.GotoAsync(fixture.Address + "/jobs");
        await page.WaitForSelectorAsync("#jobs tbody tr");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "jobs.png"), FullPage = true });
        await page.GotoAsync($"{fixture.Address}/duplicates?model={fixture.ModelId}&max_distance=0.15");
        await page.WaitForSelectorAsync(".dup-group");
        await WaitForImagesAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "duplicates.png"), FullPage = true });
        Assert.Equal(ResultsFixture.Planted.Count, await page.Locator(".dup-group").CountAsync());
        log.WriteLine("screenshots in " + Screenshots);
    }

    [Fact]
    public async Task Api_WithoutToken_IsRefusedProbesStayOpenAndNoSecretInPages()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Address) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ResultsFixture.Token);
        var job = await http.GetStringAsync($"/api/jobs/{fixture.Job.JobId}");
        Assert.Contains("\"failed\":3", job, StringComparison.Ordinal);
        var byUri = await http.GetStringAsync($"/api/search?model={fixture.ModelId}&k=2&uri={Uri.EscapeDataString(fixture.Uri("dog.jpg"))}");
        Assert.Contains("dog_crop.jpg", byUri, StringComparison.Ordinal);

        using var upload = new ByteArrayContent(await File.ReadAllBytesAsync(RepoPaths.Sample("motorcycle_left.png")));
        var response = await http.PostAsync($"/api/search?model={fixture.ModelId}&k=1", upload);
        Assert.Contains("motorcycle_right.png", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var notImage = new ByteArrayContent("<html>no</html>"u8.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync($"/api/search?model={fixture.ModelId}", notImage)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/search?model=no_such_model&id=1")).StatusCode);
        // Over the 20 MiB default: refused from its Content-Length (Expect: 100-continue, so the body is never sent).
        using var tooLarge = new HttpRequestMessage(HttpMethod.Post, $"/api/search?model={fixture.ModelId}")
        {
            Content = new ByteArrayContent(new byte[(20 * 1024 * 1024) + 1]),
        };
        tooLarge.Headers.ExpectContinue = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await http.SendAsync(tooLarge)).StatusCode);

        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("pipeline_serve_searches_total{kind=\"upload\"}", metrics, StringComparison.Ordinal);
        foreach (var path in new[] { "/", "/jobs", "/models", $"/jobs/{fixture.Job.JobId}" })
        {
            var html = await http.GetStringAsync(path);
            Assert.DoesNotContain(ResultsFixture.Token, html, StringComparison.Ordinal);
            Assert.DoesNotContain("Password", html, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static async Task WaitForImagesAsync(IPage page) =>
        await page.WaitForFunctionAsync("() => [...document.images].every(i => i.complete)", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
}
