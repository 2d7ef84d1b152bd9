using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pipeline.Common;
using Pipeline.Scheduler.Duplicates;
using Prometheus;

namespace Pipeline.Scheduler.Serving;

/// <summary>Wiring of <c>pipeline serve</c>: options, Kestrel limits and address, the page's services, health and metrics.</summary>
internal static class ServingServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddServing(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddValidatedOptions<ServeOptions, ServeOptionsValidator>(builder.Configuration, ServeOptions.SectionName);
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServeOptions>>((kestrel, serve) =>
        {
            var options = serve.Value;
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxUploadBytes;
            var address = ListenAddress(options.Host);
            if (address is null)
            {
                return; // refused by validation at start
            }

            kestrel.Listen(address, options.Port);
        });
        services.AddOptions<FormOptions>().Configure<IOptions<ServeOptions>>((form, serve) =>
            form.MultipartBodyLengthLimit = serve.Value.MaxUploadBytes);
        services.AddSingleton<ServeToken>();
        services.AddSingleton<ServingMetrics>();
        services.AddSingleton<ServingQueries>();
        services.AddSingleton<VectorSearch>();
        services.AddSingleton<UploadEmbedder>();
        services.AddSingleton<SearchService>();
        services.AddSingleton<ThumbnailCache>();
        services.AddSingleton<DuplicateFinder>();
        services.AddHostedService<UploadEmbedderWarmup>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }

    /// <summary>Middleware and routes: security headers, the optional token, http metrics, health, pages and API.</summary>
    public static WebApplication UseServing(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy =
                "default-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.UseMiddleware<BearerTokenMiddleware>();
        app.UseHttpMetrics();
        app.MapMetrics("/metrics");
        app.MapServing();
        return app;
    }

    /// <summary>The address to bind: an IP, <c>localhost</c> (loopback), or <c>*</c>/<c>0.0.0.0</c> (every interface); null if none of these.</summary>
    public static IPAddress? ListenAddress(string host) => host switch
    {
        "*" or "0.0.0.0" => IPAddress.Any,
        "localhost" => IPAddress.Loopback,
        _ => IPAddress.TryParse(host, out var address) ? address : null,
    };
}
