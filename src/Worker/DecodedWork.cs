namespace Pipeline.Worker;


/// <summary>A preprocessed input tensor; <see cref="Tensor"/> is rented and returned by the inference stage.</summary>
internal sealed record DecodedWork(WorkItem Item, string ContentId, float[] Tensor);
