namespace Pipeline.Worker.Decoding;

using Pipeline.Worker.Messaging;

/// <summary>A preprocessed input tensor; <see cref="Tensor"/> is rented and returned by the inference stage.</summary>
internal sealed record DecodedWork(WorkItem Item, string ContentId, float[] Tensor);
