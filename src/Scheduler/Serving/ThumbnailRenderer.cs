using OpenCvSharp;
using Pipeline.Common;
using Pipeline.Common.Decoding;

namespace Pipeline.Scheduler.Serving;

/// <summary>Encoded image bytes → a JPEG whose longest side is at most a given size (OpenCV, area interpolation).</summary>
internal static class ThumbnailRenderer
{
    // Same bomb guard as the worker: the declared size is checked before OpenCV allocates anything.
    private static readonly DecodeLimits Limits = new();

    /// <exception cref="ImageFailureException">Not a decodable image, or over the pixel limit.</exception>
    public static byte[] Render(ReadOnlySpan<byte> encoded, int maxSide)
    {
        if (!ImageHeader.TryRead(encoded, out var width, out var height, out var format))
        {
            throw new ImageFailureException(FailureReason.Undecodable, "not a supported image format");
        }

        if ((long)width * height > Limits.MaxPixels)
        {
            throw new ImageFailureException(FailureReason.TooLarge, $"declares {width}×{height} pixels, over the limit");
        }

        // JPEG can decode at 1/2, 1/4, 1/8 directly: much cheaper for photos far larger than a thumbnail.
        var reduction = format == ImageFormat.Jpeg ? ReductionFor(Math.Max(width, height), maxSide) : ImreadModes.Color;
        using var decoded = Cv2.ImDecode(encoded, reduction);
        if (decoded.Empty())
        {
            throw new ImageFailureException(FailureReason.Undecodable, "the image data could not be decoded");
        }

        var scale = Math.Min(1.0, maxSide / (double)Math.Max(decoded.Width, decoded.Height));
        using var resized = new Mat();
        Cv2.Resize(decoded, resized, new Size(Math.Max(1, (int)Math.Round(decoded.Width * scale)), Math.Max(1, (int)Math.Round(decoded.Height * scale))),
            interpolation: InterpolationFlags.Area);
        Cv2.ImEncode(".jpg", resized, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, 85));
        return jpeg;
    }

    private static ImreadModes ReductionFor(int longest, int maxSide) =>
        longest >= maxSide * 8 ? ImreadModes.ReducedColor8
        : longest >= maxSide * 4 ? ImreadModes.ReducedColor4
        : longest >= maxSide * 2 ? ImreadModes.ReducedColor2
        : ImreadModes.Color;
}
