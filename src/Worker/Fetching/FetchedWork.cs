namespace Pipeline.Worker.Fetching;

using Pipeline.Common.Sources;
using Pipeline.Worker.Messaging;

internal sealed record FetchedWork(WorkItem Item, FetchedImage Image);
