namespace Pipeline.Worker;

using Pipeline.Common.Sources;

internal sealed record FetchedWork(WorkItem Item, FetchedImage Image);
