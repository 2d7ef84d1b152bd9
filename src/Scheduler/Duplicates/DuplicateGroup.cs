namespace Pipeline.Scheduler.Duplicates;

/// <summary>One near-duplicate group: its members (row id and URI as stored), smallest id first.</summary>
/// <param name="Number">1 for the largest group, then by size and smallest id.</param>
/// <param name="MaxDistance">The largest distance of a pair that joined the group (a chain can span more).</param>
internal sealed record DuplicateGroup(int Number, IReadOnlyList<DuplicateMember> Members, double MaxDistance);

internal sealed record DuplicateMember(long Id, string Uri);
