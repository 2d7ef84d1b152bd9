using OpenCvSharp;

namespace Pipeline.Common.Decoding;

/// <summary>
/// <see cref="PreprocessFidelity.Exact"/>: a fully decoded image brought to the model's square exactly as the entry's
/// reference pipeline does it with Pillow — torchvision's eval transform (<c>Resize(short)</c>, then <c>CenterCrop(size)</c>)
/// or Keras' <c>load_img(target_size=(size, size))</c> (nearest, or bilinear when chosen).
/// </summary>
internal static class ExactResize
{
    [ThreadStatic] private static Mat? _square;

    /// <param name="decoded">CV_8UC3 BGR, fully decoded, EXIF orientation applied.</param>
    public static void Write(Mat decoded, PreprocessSpec spec, Span<float> destination)
    {
        var size = spec.InputSize;
        var square = _square ??= new Mat();
        square.Create(size, size, MatType.CV_8UC3);
        using var continuous = decoded.IsContinuous() ? null : decoded.Clone();
        var image = continuous ?? decoded;
        var source = image.AsSpan<byte>();
        var output = square.AsSpan<byte>();
        var (width, height) = (image.Width, image.Height);
        if (spec.Resize == ResizePolicy.Squash && spec.Interpolation == ResizeInterpolation.Bilinear)
        {
            PillowResize.Bilinear(source, width * 3, width, height, size, size, (0, 0, size, size), output);
        }
        else if (spec.Resize == ResizePolicy.Squash)
        {
            PillowResize.Nearest(source, width * 3, width, height, size, size, output);
        }
        else
        {
            var (resizedWidth, resizedHeight) = TorchvisionResize(width, height, spec.ResizeShortSide);
            var left = CropOffset(resizedWidth, size);
            var top = CropOffset(resizedHeight, size);
            PillowResize.Bilinear(source, width * 3, width, height, resizedWidth, resizedHeight, (left, top, size, size), output);
        }

        TensorWriter.Write(square, spec.Mode, spec.Layout, destination);
    }

    /// <summary>torchvision 0.14 <c>_compute_resized_output_size</c> for an int size: short side to it, long side <c>int(short × long / short)</c>.</summary>
    public static (int Width, int Height) TorchvisionResize(int width, int height, int shortSide)
    {
        var (small, large) = width <= height ? (width, height) : (height, width);
        var newLong = (int)((double)((long)shortSide * large) / small);
        return width <= height ? (shortSide, newLong) : (newLong, shortSide);
    }

    /// <summary>torchvision <c>center_crop</c>: <c>int(round((side − crop) / 2.0))</c>, Python's round (half to even).</summary>
    public static int CropOffset(int side, int crop) => (int)Math.Round((side - crop) / 2.0, MidpointRounding.ToEven);
}
