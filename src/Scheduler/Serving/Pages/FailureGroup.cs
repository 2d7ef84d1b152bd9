namespace Pipeline.Scheduler.Serving.Pages;

/// <summary>A job's failures of one reason: how many, and the first few (URI as stored, message, attempts, a key for its thumbnail).</summary>
internal sealed record FailureGroup(string Reason, long Count, IReadOnlyList<FailureSample> Samples);

/// <param name="Key">md5 of the URI: names the failure in thumbnail links without putting the URI (and any SAS) in the page.</param>
internal sealed record FailureSample(string Uri, string Message, int Attempts, string Key);
