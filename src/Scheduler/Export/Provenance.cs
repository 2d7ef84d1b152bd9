using System.Globalization;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Export;

/// <summary>Where exported vectors come from: the model's registered identity and the export's filter, as key/value metadata.</summary>
internal static class Provenance
{
    public static Dictionary<string, string> Of(ModelIdentity model, ExportFilter filter, DateTimeOffset exportedAt)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(filter);
        var metadata = new Dictionary<string, string>
        {
            ["pipeline.model_id"] = model.ModelId,
            ["pipeline.weights_sha256"] = model.WeightsSha256,
            ["pipeline.preprocessing"] = model.Preprocessing,
            ["pipeline.pooling"] = model.Pooling,
            ["pipeline.dims"] = model.Dims.ToString(CultureInfo.InvariantCulture),
            ["pipeline.column_type"] = model.ColumnType,
            ["pipeline.distance"] = "cosine",
            ["pipeline.exported_at"] = exportedAt.ToString("O", CultureInfo.InvariantCulture),
        };
        if (filter.JobId is { } job)
        {
            metadata["pipeline.job_id"] = job.ToString("D");
        }

        if (filter.Since is { } since)
        {
            metadata["pipeline.since"] = since.ToString("O", CultureInfo.InvariantCulture);
        }

        return metadata;
    }
}
