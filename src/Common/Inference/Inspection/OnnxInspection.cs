using Pipeline.Common.Decoding;
using Pipeline.Common.Inference.Onnx;

namespace Pipeline.Common.Inference.Inspection;

/// <summary>What <see cref="OnnxInspector"/> found in an ONNX file.</summary>
/// <param name="Layout">The image input's layout as its shape shows it; null when the shape does not say.</param>
/// <param name="Cut">What head removal would cut; null when it cannot (see <paramref name="CutError"/>).</param>
/// <param name="InputSize">The square side the warm-up ran with (static input dims, else the one asked for).</param>
/// <param name="Width">Embedding width after the cut and pooling; null when the cut graph did not run (see <paramref name="WidthError"/>).</param>
public sealed record OnnxInspection(
    string Path,
    string Sha256,
    IReadOnlyList<OnnxValueInfo> Inputs,
    IReadOnlyList<OnnxValueInfo> Outputs,
    TensorLayout? Layout,
    HeadCut? Cut,
    string? CutError,
    int InputSize,
    int? Width,
    string? WidthError);
