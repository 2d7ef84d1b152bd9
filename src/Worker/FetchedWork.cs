using Pipeline.Common.Sources;

namespace Pipeline.Worker;

internal sealed record FetchedWork(WorkItem Item, FetchedImage Image);
