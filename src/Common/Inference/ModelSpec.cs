namespace Pipeline.Common.Inference;

/// <summary>Which model a worker runs and how it is fed: the identity stored with every vector.</summary>
/// <param name="Id">Short name, also the storage table suffix (e.g. <c>mobilenetv2</c>).</param>
/// <param name="Path">Local path of the ONNX file.</param>
/// <param name="Sha256">Expected weights hash (lower-case hex); null to accept whatever is there.</param>
public sealed record ModelSpec(
    string Id,
    string Path,
    string? Sha256,
    PreprocessSpec Preprocess,
    PoolingMode Pooling);
