namespace Pipeline.Common.Decoding;

/// <summary>Keras <c>load_img(interpolation=…)</c> for the squash resize in exact mode (Pillow's filter of that name).</summary>
public enum ResizeInterpolation
{
    /// <summary><c>load_img</c>'s default.</summary>
    Nearest,
    /// <summary>Pillow's bilinear (antialiased when shrinking).</summary>
    Bilinear,
}
