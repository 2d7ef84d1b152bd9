namespace Pipeline.Common.Decoding;

/// <summary>How an image is brought to the model's square input.</summary>
public enum ResizePolicy
{
    /// <summary>Resize the short side to <see cref="PreprocessSpec.ResizeShortSide"/>, then centre-crop (torchvision eval).</summary>
    ShortSideThenCenterCrop,
    /// <summary>Plain resize to the square, ignoring aspect ratio (Keras <c>load_img(target_size=…)</c>).</summary>
    Squash,
}
