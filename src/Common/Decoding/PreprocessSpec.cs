namespace Pipeline.Common.Decoding;

/// <summary>Everything needed to turn decoded RGB pixels into one model input tensor.</summary>
/// <param name="InputSize">Square side fed to the model (e.g. 224).</param>
/// <param name="ResizeShortSide">Short side after resizing, before the centre crop (e.g. 256); ignored by <see cref="ResizePolicy.Squash"/>.</param>
public sealed record PreprocessSpec(
    int InputSize,
    int ResizeShortSide,
    ResizePolicy Resize,
    PreprocessMode Mode,
    TensorLayout Layout)
{
    /// <summary>Fast (OpenCV, reduced JPEG decoding) or Exact (the reference framework's Pillow pipeline).</summary>
    public PreprocessFidelity Fidelity { get; init; }

    /// <summary>The squash resize's filter in exact mode (Keras <c>load_img(interpolation=…)</c>); torchvision entries always use bilinear.</summary>
    public ResizeInterpolation Interpolation { get; init; }

    /// <summary>Floats in one image's tensor (3 × size × size).</summary>
    public int TensorLength => 3 * InputSize * InputSize;

    /// <summary>
    /// Stable text stored with every vector, e.g. <c>torch;short256;crop224;nchw</c>, with <c>;exact</c> appended in exact
    /// mode (its vectors differ from the fast mode's, so they must not share a table).
    /// </summary>
    public string Describe()
    {
        var text = Resize switch
        {
            ResizePolicy.ShortSideThenCenterCrop =>
                $"{Mode.ToString().ToLowerInvariant()};short{ResizeShortSide};crop{InputSize};{Layout.ToString().ToLowerInvariant()}",
            _ => $"{Mode.ToString().ToLowerInvariant()};squash{InputSize};{Layout.ToString().ToLowerInvariant()}",
        };
        if (Fidelity != PreprocessFidelity.Exact)
        {
            return text;
        }

        return Resize == ResizePolicy.Squash && Interpolation == ResizeInterpolation.Bilinear ? text + ";exact;bilinear" : text + ";exact";
    }
}
