using OpenCvSharp;

namespace Pipeline.Common.Decoding;

/// <summary>Pure size arithmetic: how far a JPEG may be reduced while decoding, and which source pixels reach the tensor.</summary>
internal static class ResizeGeometry
{
    /// <summary>
    /// Largest libjpeg scale denominator (8, 4, 2, else 1) that still leaves the short side at least the size the resize
    /// step needs, so the reduced decode only removes detail the resize would average away anyway.
    /// </summary>
    public static int ReductionFactor(int width, int height, PreprocessSpec spec)
    {
        // Squash needs both sides ≥ InputSize; the crop policy needs the short side ≥ ResizeShortSide.
        // Either way only the short side matters, so EXIF rotation (which swaps the sides) is irrelevant here.
        long needed = spec.Resize == ResizePolicy.Squash ? spec.InputSize : spec.ResizeShortSide;
        var shortSide = Math.Min(width, height);
        foreach (var factor in (ReadOnlySpan<int>)[8, 4, 2])
        {
            if (shortSide >= factor * needed)
            {
                return factor;
            }
        }

        return 1;
    }

    /// <summary>
    /// The declared (header) size turned to match the decoded image, which OpenCV may have rotated for EXIF orientation and
    /// reduced by <paramref name="factor"/> (libjpeg rounds reduced sides up). Falls back to the decoded size × factor when
    /// the header and the pixels disagree.
    /// </summary>
    public static Size OrientedOriginal(Size decoded, int declaredWidth, int declaredHeight, int factor)
    {
        int Reduced(int side) => (int)(((long)side + factor - 1) / factor);
        if (Reduced(declaredWidth) == decoded.Width && Reduced(declaredHeight) == decoded.Height)
        {
            return new Size(declaredWidth, declaredHeight);
        }

        return Reduced(declaredHeight) == decoded.Width && Reduced(declaredWidth) == decoded.Height
            ? new Size(declaredHeight, declaredWidth)
            : new Size(decoded.Width * factor, decoded.Height * factor);
    }

    /// <summary>
    /// The rectangle of the decoded image that, resized to InputSize², equals "resize short side then centre-crop"
    /// (torchvision eval) of the original, or the whole image for Squash.
    /// </summary>
    /// <remarks>
    /// The geometry is computed on the original size and then mapped into the decoded one (original / factor), so a reduced
    /// decode crops exactly where a full decode would: computing it on the rounded-up reduced size instead can move the
    /// crop by a whole output pixel. Cropping before resizing avoids resizing pixels that are thrown away and avoids a
    /// giant intermediate for extreme aspect ratios (20000×20 would be 256000×256). The rectangle is snapped to whole
    /// decoded pixels, so it can be off by up to half a pixel from the exact one: under half an output pixel when
    /// shrinking, i.e. interpolation noise.
    /// </remarks>
    public static Rect SourceRegion(Size decoded, Size original, int factor, PreprocessSpec spec)
    {
        double exactWidth = (double)original.Width / factor, exactHeight = (double)original.Height / factor;
        if (spec.Resize == ResizePolicy.Squash)
        {
            // Drops libjpeg's partial last column or row (half a reduced pixel at most), as the full decode has none.
            return new Rect(0, 0, Snap(exactWidth, decoded.Width), Snap(exactHeight, decoded.Height));
        }

        // torchvision's _compute_resized_output_size: short side = size, long side = int(size * long / short) (truncated).
        var resizeShort = spec.ResizeShortSide;
        var shortSide = Math.Min(original.Width, original.Height);
        var longResized = (int)Math.Min((long)resizeShort * Math.Max(original.Width, original.Height) / shortSide, int.MaxValue);
        var (resizedWidth, resizedHeight) = original.Width <= original.Height ? (resizeShort, longResized) : (longResized, resizeShort);

        var (x, w) = Axis(decoded.Width, exactWidth, resizedWidth, spec.InputSize);
        var (y, h) = Axis(decoded.Height, exactHeight, resizedHeight, spec.InputSize);
        return new Rect(x, y, w, h);
    }

    private static int Snap(double exact, int decoded) => Math.Clamp((int)exact, 1, decoded);

    private static (int Start, int Length) Axis(int decoded, double exact, int resized, int crop)
    {
        // torchvision's CenterCrop offset is int(round((resized - crop) / 2.0)); Python rounds half to even, as Math.Round does.
        var offset = Math.Round((resized - crop) / 2.0, MidpointRounding.ToEven);
        var scale = exact / resized;
        var start = Math.Clamp((int)Math.Round(offset * scale), 0, decoded - 1);
        var end = Math.Clamp((int)Math.Round((offset + crop) * scale), start + 1, decoded);
        return (start, end - start);
    }
}
