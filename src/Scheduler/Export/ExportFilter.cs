using System.Globalization;

namespace Pipeline.Scheduler.Export;

/// <summary>Which rows to export: all, one job's, and/or those stored at or after a time.</summary>
internal sealed record ExportFilter(Guid? JobId, DateTimeOffset? Since)
{
    /// <summary>
    /// The WHERE clause. COPY takes no bind parameters, so the values are written as literals; both come from parsed
    /// types (a Guid, a DateTimeOffset in ISO 8601), never from text as given.
    /// </summary>
    public string Sql()
    {
        var conditions = new List<string>();
        if (JobId is { } job)
        {
            conditions.Add($"job_id = '{job:D}'::uuid");
        }

        if (Since is { } since)
        {
            conditions.Add($"created_at >= '{since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)}'::timestamptz");
        }

        return conditions.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", conditions);
    }
}
