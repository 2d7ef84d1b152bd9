using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Common;
using Pipeline.Common.Hosting;
using Pipeline.Scheduler.Enqueueing;
using Pipeline.Scheduler.Search;
using Pipeline.Scheduler.Status;

namespace Pipeline.Scheduler.Hosting;

internal static class SchedulerServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddScheduler(this IHostApplicationBuilder builder)
    {
        builder.AddPipelineCommon();
        builder.Services.AddValidatedOptions<SchedulerOptions, SchedulerOptionsValidator>(builder.Configuration, SchedulerOptions.SectionName);
        builder.Services.AddSingleton<Enqueuer>();
        builder.Services.AddSingleton<SourceFactory>();
        builder.Services.AddSingleton<JobFollower>();
        builder.Services.AddSingleton<Pipeline.Common.Messaging.JobRetries>();
        builder.Services.AddSingleton<Recovery.JobRetrier>();
        builder.Services.AddSingleton<QueryEmbedder>();
        builder.Services.AddSingleton<Searcher>();
        return builder;
    }
}
