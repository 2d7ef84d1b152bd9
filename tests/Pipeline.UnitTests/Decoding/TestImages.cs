using OpenCvSharp;
using Pipeline.Common.Decoding;

namespace Pipeline.UnitTests.Decoding;

/// <summary>Synthetic images built in memory, so pixel values are known exactly and no file or network is needed.</summary>
internal static class TestImages
{
    /// <summary>A BGR image from rows of (R, G, B) triples, the order people write colours in.</summary>
    public static Mat FromRgb(byte[,][] rgb)
    {
        int rows = rgb.GetLength(0), cols = rgb.GetLength(1);
        var mat = new Mat(rows, cols, MatType.CV_8UC3);
        for (var y = 0; y < rows; y++)
        {
            for (var x = 0; x < cols; x++)
            {
                var p = rgb[y, x];
                mat.Set(y, x, new Vec3b(p[2], p[1], p[0]));
            }
        }

        return mat;
    }

    /// <summary>A smooth, asymmetric test card: gradients plus a few blocks, so orientation and position errors show.</summary>
    public static Mat Card(int width, int height)
    {
        var mat = new Mat(height, width, MatType.CV_8UC3);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                mat.Set(y, x, new Vec3b((byte)(255 * y / height), (byte)(255 * x / width), (byte)(255 - (255 * (x + y) / (width + height)))));
            }
        }

        var block = Math.Max(1, Math.Min(width, height) / 4);
        mat[new Rect(0, 0, block, block)].SetTo(new Scalar(0, 0, 255)); // red top-left
        mat[new Rect(width - block, height - block, block, block)].SetTo(new Scalar(255, 0, 0)); // blue bottom-right
        return mat;
    }

    public static byte[] Encode(Mat image, string extension, params ImageEncodingParam[] parameters)
    {
        Cv2.ImEncode(extension, image, out var bytes, parameters);
        return bytes;
    }

    public static byte[] Png(Mat image) => Encode(image, ".png");

    public static PreprocessSpec Squash(int size, PreprocessMode mode = PreprocessMode.Raw, TensorLayout layout = TensorLayout.Nhwc) =>
        new(size, size, ResizePolicy.Squash, mode, layout);

    public static PreprocessSpec Crop(int shortSide, int size, PreprocessMode mode = PreprocessMode.Raw, TensorLayout layout = TensorLayout.Nhwc) =>
        new(size, shortSide, ResizePolicy.ShortSideThenCenterCrop, mode, layout);

    public static float[] Tensor(byte[] encoded, PreprocessSpec spec, ImagePreprocessor? preprocessor = null)
    {
        var tensor = new float[spec.TensorLength];
        (preprocessor ?? new ImagePreprocessor()).DecodeInto(encoded, spec, tensor);
        return tensor;
    }

    /// <summary>The NHWC Raw tensor a BGR image would give with no resizing, for comparing against OpenCV references.</summary>
    public static float[] RawRgb(Mat bgr)
    {
        int rows = bgr.Rows, cols = bgr.Cols;
        var tensor = new float[rows * cols * 3];
        for (var y = 0; y < rows; y++)
        {
            for (var x = 0; x < cols; x++)
            {
                var p = bgr.At<Vec3b>(y, x);
                var i = ((y * cols) + x) * 3;
                (tensor[i], tensor[i + 1], tensor[i + 2]) = (p.Item2, p.Item1, p.Item0);
            }
        }

        return tensor;
    }

    public static double MeanAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return sum / a.Length;
    }
}
