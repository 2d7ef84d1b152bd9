namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// Where the real services are: the same variables the programs read, defaulting to what
/// scripts/services.sh starts locally.
/// </summary>
internal static class ServiceEndpoints
{
    public static string Postgres { get; } =
        System.Environment.GetEnvironmentVariable("PIPELINE_Postgres__ConnectionString")
        ?? "Host=127.0.0.1;Port=55432;Username=pipeline;Database=pipeline";

    public static string RabbitMq { get; } =
        System.Environment.GetEnvironmentVariable("PIPELINE_RabbitMq__Uri") ?? "amqp://guest:guest@127.0.0.1:5672/";

    public static string Blob { get; } =
        System.Environment.GetEnvironmentVariable("PIPELINE_Blob__ConnectionString") ?? "UseDevelopmentStorage=true";

    /// <summary>A fresh model id: its own table and queue, so tests never see each other's rows.</summary>
    public static string NewModelId(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 13)];

    /// <summary>Configuration every process of one test shares (environment-variable form).</summary>
    public static Dictionary<string, string> ProcessEnvironment(string modelId, string queuePrefix) => new()
    {
        ["PIPELINE_Postgres__ConnectionString"] = Postgres,
        ["PIPELINE_RabbitMq__Uri"] = RabbitMq,
        ["PIPELINE_RabbitMq__QueuePrefix"] = queuePrefix,
        ["PIPELINE_Blob__ConnectionString"] = Blob,
        ["PIPELINE_Model__Id"] = modelId,
        // A test's own id runs the bundled file only when it names its backbone (the file serves that entry alone).
        ["PIPELINE_Model__Backbone"] = "mobilenetv2",
    };
}
