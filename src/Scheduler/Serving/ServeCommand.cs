using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Scheduler.Hosting;

namespace Pipeline.Scheduler.Serving;

/// <summary><c>pipeline serve</c>: the search, jobs, models and duplicates pages and the JSON API on Kestrel, until Ctrl-C or SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter output)
    {
        var host = new Option<string?>("--host") { Description = "Listen address (default 127.0.0.1; '*' for every interface)" };
        var port = new Option<int?>("--port") { Description = "Listen port (default 8080; 0 picks a free one)" };
        var command = new Command("serve", "Serve the search page, jobs, models and duplicates pages and the JSON API") { host, port };
        command.SetAction(async (result, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (result.GetValue(host) is { } h)
            {
                overrides[$"{ServeOptions.SectionName}:{nameof(ServeOptions.Host)}"] = h;
            }

            if (result.GetValue(port) is { } p)
            {
                overrides[$"{ServeOptions.SectionName}:{nameof(ServeOptions.Port)}"] = p.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await using var app = Build(overrides);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            await output.WriteLineAsync($"serving on {address}/ (Ctrl-C stops)").ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            // Ctrl-C reaches the command line's token; SIGTERM (Kubernetes) reaches the host's lifetime, which owns that signal.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(
                cancellationToken, app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or SIGTERM: a normal end for a server.
            }

            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static WebApplication Build(Dictionary<string, string?> overrides)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.AddScheduler();
        // Command-line flags win over PIPELINE_Serve__* variables.
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.AddServing();
        var app = builder.Build();
        app.UseServing();
        return app;
    }
}
