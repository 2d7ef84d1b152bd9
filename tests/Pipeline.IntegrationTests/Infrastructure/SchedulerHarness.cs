using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Scheduler.Hosting;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>The scheduler's services in-process, configured like the worker processes of the same test.</summary>
internal static class SchedulerHarness
{
    public static async Task<IHost> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddScheduler();
        builder.Configuration.AddInMemoryCollection(environment.ToDictionary(
            kv => kv.Key["PIPELINE_".Length..].Replace("__", ":", StringComparison.Ordinal),
            kv => (string?)kv.Value));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static T Get<T>(this IHost host)
        where T : notnull => host.Services.GetRequiredService<T>();
}
