using Pipeline.Common.Sources;

namespace Pipeline.Worker;

/// <summary>One image of an in-flight message on its way through the stages.</summary>
internal sealed record WorkItem(InFlightMessage Message, int Index, ImageRef Image);
