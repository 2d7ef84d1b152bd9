using OpenCvSharp;
using Pipeline.Common.Inference;

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
    /// The source rectangle that, resized to InputSize², equals "resize short side then centre-crop" (torchvision eval).
    /// Cropping first avoids resizing pixels that are thrown away and avoids a giant intermediate for extreme aspect ratios
    /// (20000×20 would be 256000×256). The rectangle is snapped to whole source pixels, so it can be off by up to half a
    /// source pixel from the exact one: under half an output pixel when shrinking, within interpolation tolerance.
    /// </summary>
    public static Rect SourceRegion(int width, int height, PreprocessSpec spec)
    {
        if (spec.Resize == ResizePolicy.Squash)
        {
            return new Rect(0, 0, width, height);
        }

        // torchvision's _compute_resized_output_size: short side = size, long side = int(size * long / short) (truncated).
        var resizeShort = spec.ResizeShortSide;
        var shortSide = Math.Min(width, height);
        var longResized = (int)Math.Min((long)resizeShort * Math.Max(width, height) / shortSide, int.MaxValue);
        var (resizedWidth, resizedHeight) = width <= height ? (resizeShort, longResized) : (longResized, resizeShort);

        var (x, w) = Axis(width, resizedWidth, spec.InputSize);
        var (y, h) = Axis(height, resizedHeight, spec.InputSize);
        return new Rect(x, y, w, h);
    }

    private static (int Start, int Length) Axis(int source, int resized, int crop)
    {
        // torchvision's CenterCrop offset is int(round((resized - crop) / 2.0)); Python rounds half to even, as Math.Round does.
        var offset = Math.Round((resized - crop) / 2.0, MidpointRounding.ToEven);
        var scale = (double)source / resized;
        var start = Math.Clamp((int)Math.Round(offset * scale), 0, source - 1);
        var end = Math.Clamp((int)Math.Round((offset + crop) * scale), start + 1, source);
        return (start, end - start);
    }
}
