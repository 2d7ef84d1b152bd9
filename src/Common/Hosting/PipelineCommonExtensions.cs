using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.ModelFiles;
using Pipeline.Common.Messaging;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;

namespace Pipeline.Common.Hosting;

/// <summary>Registration of what worker and scheduler share (options, data source, retry pipelines, fetchers).</summary>
public static class PipelineCommonExtensions
{
    /// <summary>Options, storage, messaging, fetching and decoding shared by the worker and the scheduler.</summary>
    /// <remarks>Settings come from <c>PIPELINE_*</c> variables, or files named by <c>PIPELINE_*_FILE</c> (<see cref="SecretFiles"/>).</remarks>
    public static IHostApplicationBuilder AddPipelineCommon(this IHostApplicationBuilder builder)
    {
        builder.Configuration.AddEnvironmentVariables(KnownSettingsExtensions.EnvironmentPrefix);
        builder.Configuration.AddInMemoryCollection(SecretFiles.Read(Environment.GetEnvironmentVariables(), KnownSettingsExtensions.EnvironmentPrefix));
        var services = builder.Services;
        services.AddValidatedOptions<PostgresOptions, PostgresOptionsValidator>(builder.Configuration, PostgresOptions.SectionName);
        services.AddValidatedOptions<RabbitMqOptions, RabbitMqOptionsValidator>(builder.Configuration, RabbitMqOptions.SectionName);
        services.AddValidatedOptions<ModelOptions, ModelOptionsValidator>(builder.Configuration, ModelOptions.SectionName);
        services.AddValidatedOptions<IndexOptions, IndexOptionsValidator>(builder.Configuration, IndexOptions.SectionName);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<PipelineDataSource>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<DatabaseRetry>();
        services.AddSingleton<RabbitMqConnector>();
        services.AddSingleton<ModelFileCache>();
        services.AddSingleton(_ => new ImagePreprocessor());
        services.AddImageFetching(builder.Configuration);
        return builder;
    }
}
