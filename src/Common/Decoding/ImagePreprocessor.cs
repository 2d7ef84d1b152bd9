using System.Globalization;
using OpenCvSharp;

namespace Pipeline.Common.Decoding;

/// <summary>
/// Encoded image bytes → one normalised model input tensor: sniff and check limits, decode with OpenCV (reduced JPEG
/// decoding when the image is much larger than needed), resize, normalise. Thread-safe; bad images raise
/// <see cref="ImageFailureException"/> with <see cref="FailureReason.Undecodable"/> or <see cref="FailureReason.TooLarge"/>.
/// </summary>
/// <remarks>
/// EXIF orientation is applied by OpenCV itself: <c>imdecode</c> honours it for IMREAD_COLOR and IMREAD_REDUCED_COLOR_N
/// (only IMREAD_UNCHANGED and IMREAD_IGNORE_ORIENTATION skip it), which the tests pin down.
/// </remarks>
public sealed class ImagePreprocessor
{
    // Per-thread resize targets, reused across images so steady state allocates only the decoded Mat.
    [ThreadStatic] private static Mat? _resized;
    [ThreadStatic] private static Mat? _scratch;

    private readonly long _maxPixels;
    private readonly long _maxBytes;

    /// <summary>A preprocessor with the default <see cref="DecodeLimits"/>.</summary>
    public ImagePreprocessor()
        : this(new DecodeLimits())
    {
    }

    /// <summary>A preprocessor that refuses images over <paramref name="limits"/> (pixels, bytes) as <see cref="FailureReason.TooLarge"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit below 1.</exception>
    public ImagePreprocessor(DecodeLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxPixels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxBytes, 1);
        _maxPixels = limits.MaxPixels;
        _maxBytes = limits.MaxBytes;
    }

    /// <summary>Decodes <paramref name="encoded"/> and writes its tensor (3 × InputSize², <see cref="PreprocessSpec.Layout"/>) into <paramref name="destination"/>.</summary>
    /// <exception cref="ImageFailureException">The bytes are empty, not a supported image, or over a limit.</exception>
    public void DecodeInto(ReadOnlySpan<byte> encoded, PreprocessSpec spec, Span<float> destination)
    {
        Validate(spec, destination);
        if (encoded.IsEmpty)
        {
            throw new ImageFailureException(FailureReason.Undecodable, "image is empty (0 bytes)");
        }

        if (encoded.Length > _maxBytes)
        {
            throw new ImageFailureException(FailureReason.TooLarge, Invariant($"image is {encoded.Length} bytes, over the {_maxBytes}-byte limit"));
        }

        if (!ImageHeader.TryRead(encoded, out var width, out var height, out var format))
        {
            throw new ImageFailureException(
                FailureReason.Undecodable,
                format == ImageFormat.Unknown
                    ? "not a supported image format (JPEG, PNG, GIF, BMP, WebP, TIFF)"
                    : Invariant($"{format} header is truncated or declares no size"));
        }

        // Refuse decompression bombs from the declared size, before OpenCV allocates anything.
        CheckPixels(width, height, "declares");

        // An APNG decodes to its default image, as Pillow shows it (see DecoderSemantics).
        if (DecoderSemantics.DefaultImage(encoded, format) is { } defaultImage)
        {
            encoded = defaultImage.Span;
        }

        if (spec.Fidelity == PreprocessFidelity.Exact)
        {
            // Full decode (no DCT-domain reduction), then Pillow's resampling: the reference pipeline's pixels.
            using var full = Decode(encoded, 1, format);
            CheckPixels(full.Width, full.Height, "decodes to");
            ExactResize.Write(full, spec, destination);
            return;
        }

        var factor = format == ImageFormat.Jpeg ? ResizeGeometry.ReductionFactor(width, height, spec) : 1;
        using var decoded = Decode(encoded, factor, format);
        CheckPixels(decoded.Width, decoded.Height, "decodes to"); // in case the header lied

        var decodedSize = new Size(decoded.Width, decoded.Height);
        var original = ResizeGeometry.OrientedOriginal(decodedSize, width, height, factor);
        var region = ResizeGeometry.SourceRegion(decodedSize, original, factor, spec);
        using var cropped = new Mat(decoded, region);
        var size = spec.InputSize;
        if (region.Width == size && region.Height == size)
        {
            TensorWriter.Write(cropped, spec.Mode, spec.Layout, destination);
            return;
        }

        var resized = _resized ??= new Mat();
        Resampler.ResizeSquare(cropped, size, resized, _scratch ??= new Mat());
        TensorWriter.Write(resized, spec.Mode, spec.Layout, destination);
    }

    /// <summary>
    /// Decodes a few generated JPEGs (a small and a large one, so both the full and the reduced decode run) on the
    /// calling thread. A fresh worker otherwise runs its first images through unoptimised code (the JIT promotes a
    /// method after some 30 calls) while real work waits.
    /// </summary>
    public void WarmUp(PreprocessSpec spec, int rounds = 40)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var tensor = new float[spec.TensorLength];
        foreach (var (width, height) in new[] { (640, 480), (1920, 1080) })
        {
            using var image = new Mat(height, width, MatType.CV_8UC3);
            Cv2.Randu(image, Scalar.All(0), Scalar.All(255));
            Cv2.ImEncode(".jpg", image, out var jpeg);
            for (var i = 0; i < rounds / 2; i++)
            {
                DecodeInto(jpeg, spec, tensor);
            }
        }
    }

    private static void Validate(PreprocessSpec spec, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.InputSize, 1, nameof(spec));
        if (spec.Resize == ResizePolicy.ShortSideThenCenterCrop && spec.ResizeShortSide < spec.InputSize)
        {
            throw new ArgumentException("ResizeShortSide must be at least InputSize for a centre crop.", nameof(spec));
        }

        if (destination.Length != spec.TensorLength)
        {
            throw new ArgumentException(Invariant($"destination holds {destination.Length} floats; the spec needs {spec.TensorLength}."), nameof(destination));
        }
    }

    private static Mat Decode(ReadOnlySpan<byte> encoded, int factor, ImageFormat format)
    {
        // IMREAD_COLOR (and its reduced variants) always yields 8-bit BGR: grey expanded, alpha dropped, 16-bit scaled,
        // palettes and CMYK converted, EXIF orientation applied.
        var mode = factor switch
        {
            8 => ImreadModes.ReducedColor8,
            4 => ImreadModes.ReducedColor4,
            2 => ImreadModes.ReducedColor2,
            _ => ImreadModes.Color,
        };
        Mat decoded;
        try
        {
            decoded = Cv2.ImDecode(encoded, mode);
        }
        catch (OpenCVException ex)
        {
            throw new ImageFailureException(FailureReason.Undecodable, Invariant($"OpenCV could not decode the {format} image: {ex.ErrMsg}"), ex);
        }

        if (decoded.Empty() || decoded.Type() != MatType.CV_8UC3)
        {
            decoded.Dispose();
            var cause = format == ImageFormat.Gif ? DecoderSemantics.GifFrameOutsideScreen(encoded) : null;
            throw new ImageFailureException(
                FailureReason.Undecodable, cause ?? Invariant($"OpenCV could not decode the {format} image (corrupt or truncated)"));
        }

        return decoded;
    }

    private void CheckPixels(int width, int height, string verb)
    {
        if ((long)width * height > _maxPixels)
        {
            throw new ImageFailureException(
                FailureReason.TooLarge, Invariant($"image {verb} {width}×{height} pixels, over the {_maxPixels}-pixel limit"));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
