namespace Pipeline.Common.Decoding;

/// <summary>How closely decoding and resizing follow the reference framework's own pipeline.</summary>
public enum PreprocessFidelity
{
    /// <summary>
    /// OpenCV: reduced (DCT-domain) JPEG decoding when the image is at least twice the target, INTER_AREA / INTER_LINEAR
    /// resizing. Fastest; vectors close to, not interchangeable with, the reference pipeline's.
    /// </summary>
    Fast,

    /// <summary>
    /// The reference pipeline's pixels: full JPEG decode, then Pillow's resampling as the entry's framework calls it —
    /// torchvision's <c>Resize(short)</c> (bilinear with antialias, <c>int()</c> long side) and <c>CenterCrop</c> (<c>round()</c>
    /// offsets), or Keras' <c>load_img(target_size=…)</c> (nearest). Pillow's Resample.c and Geometry.c are the specification.
    /// </summary>
    Exact,
}
