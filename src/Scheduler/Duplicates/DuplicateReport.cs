namespace Pipeline.Scheduler.Duplicates;

/// <summary>The result of a duplicates run: rows searched, pairs within the distance, and the groups they form.</summary>
internal sealed record DuplicateReport(string Model, DuplicateQuery Query, long RowsSearched, long Pairs, IReadOnlyList<DuplicateGroup> Groups, TimeSpan Elapsed);
