using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Results;

/// <summary>
/// The jobs page's retry action: refused on the fixture's read-only server (Serve:AllowRetry off), and on a second
/// server with it on, queues the job's three unreadable files again as <c>pipeline retry</c> does; the worker fails
/// them again and the job ends, as before.
/// </summary>
[Collection(ResultsGroup.Name)]
public sealed class ServeRetryTests(ResultsFixture fixture)
{
    [Fact]
    public async Task Retry_ReadOnlyServer_RefusedAndNotOffered()
    {
        using var http = Client(fixture.Address, ResultsFixture.Token);
        using var refused = await http.PostAsync(new Uri($"{fixture.Address}/api/jobs/{fixture.Job.JobId}/retry"), null);
        var page = await http.GetStringAsync(new Uri($"{fixture.Address}/jobs/{fixture.Job.JobId}"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Serve:AllowRetry", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"retry\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_AllowedServer_QueuesFailedImagesAgainAndJobEndsAsBefore()
    {
        var environment = new Dictionary<string, string>(fixture.Environment)
        {
            ["PIPELINE_Serve__Port"] = "0",
            ["PIPELINE_Serve__BearerToken"] = ResultsFixture.Token,
            ["PIPELINE_Serve__AllowRetry"] = "true",
        };
        using var server = CliProcess.Start(environment, "serve");
        await server.WaitForOutputAsync("serving on ", TimeSpan.FromMinutes(2));
        var address = server.StandardOutput.Split("serving on ", 2)[1].Split(' ', 2)[0].TrimEnd('/');
        var retry = new Uri($"{address}/api/jobs/{fixture.Job.JobId}/retry");
        using var anonymous = new HttpClient();
        using var http = Client(address, ResultsFixture.Token);

        using var unauthorised = await anonymous.PostAsync(retry, null);
        using var badReason = await http.PostAsync(new Uri(retry + "?reason=Gremlins"), null);
        using var unknownJob = await http.PostAsync(new Uri($"{address}/api/jobs/{Guid.NewGuid()}/retry"), null);
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, retry) { Headers = { { "Origin", "http://evil.example" } } };
        using var crossSiteResponse = await http.SendAsync(crossSite);
        var page = await http.GetStringAsync(new Uri($"{address}/jobs/{fixture.Job.JobId}"));
        using var queued = await http.PostAsync(retry, null);
        var body = await queued.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badReason.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownJob.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, crossSiteResponse.StatusCode);
        Assert.Contains("id=\"retry\"", page, StringComparison.Ordinal);
        Assert.True(queued.StatusCode == HttpStatusCode.OK, body);
        using (var json = JsonDocument.Parse(body))
        {
            Assert.Equal(3, json.RootElement.GetProperty("images").GetInt32());
        }

        // The worker takes the retried batches; the three files fail again and the job completes as before.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        (JobStatus Status, long DoneAtEnqueue)? job;
        while ((job = await fixture.Scheduler.Get<JobStore>().GetAsync(fixture.Job.JobId, timeout.Token))?.Status.IsComplete != true)
        {
            await Task.Delay(200, timeout.Token);
        }

        Assert.Equal(3L, job!.Value.Status.Failed);
    }

    private static HttpClient Client(string address, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
