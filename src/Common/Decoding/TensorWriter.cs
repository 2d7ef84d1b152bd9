using OpenCvSharp;

namespace Pipeline.Common.Decoding;

/// <summary>Turns a square 8-bit BGR image into normalised floats, exactly as Keras <c>preprocess_input</c> does.</summary>
internal static class TensorWriter
{
    private static readonly double[] CaffeMeanBgr = [103.939, 116.779, 123.68];
    private static readonly double[] TorchMeanRgb = [0.485, 0.456, 0.406];
    private static readonly double[] TorchStdRgb = [0.229, 0.224, 0.225];

    /// <param name="image">CV_8UC3 BGR, InputSize × InputSize; may be a non-continuous ROI.</param>
    public static void Write(Mat image, PreprocessMode mode, TensorLayout layout, Span<float> destination)
    {
        var size = image.Width;
        // Every output value is byte * scale[c] + offset[c], with the per-channel constants folded once per image.
        // Output channel c reads source byte src[c]: OpenCV is BGR, so RGB order reads 2,1,0 and Caffe (BGR) reads 0,1,2.
        Span<float> scale = stackalloc float[3];
        Span<float> offset = stackalloc float[3];
        Span<int> src = stackalloc int[3];
        for (var c = 0; c < 3; c++)
        {
            src[c] = mode == PreprocessMode.Caffe ? c : 2 - c;
            (scale[c], offset[c]) = mode switch
            {
                PreprocessMode.Caffe => (1f, (float)-CaffeMeanBgr[c]),
                PreprocessMode.Tf => ((float)(1 / 127.5), -1f),
                PreprocessMode.Torch => ((float)(1 / (255 * TorchStdRgb[c])), (float)(-TorchMeanRgb[c] / TorchStdRgb[c])),
                PreprocessMode.Raw => (1f, 0f),
                _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown preprocess mode"),
            };
        }

        if (layout == TensorLayout.Nhwc)
        {
            WriteInterleaved(image, size, src, scale, offset, destination);
        }
        else
        {
            WritePlanar(image, size, src, scale, offset, destination);
        }
    }

    private static void WriteInterleaved(
        Mat image, int size, ReadOnlySpan<int> src, ReadOnlySpan<float> scale, ReadOnlySpan<float> offset, Span<float> destination)
    {
        int i0 = src[0], i1 = src[1], i2 = src[2];
        float s0 = scale[0], s1 = scale[1], s2 = scale[2], o0 = offset[0], o1 = offset[1], o2 = offset[2];
        var rowLength = size * 3;
        for (var y = 0; y < size; y++)
        {
            ReadOnlySpan<byte> row = image.RowSpan<byte>(y)[..rowLength];
            var output = destination.Slice(y * rowLength, rowLength);
            for (var p = 0; p + 2 < row.Length; p += 3)
            {
                output[p] = (row[p + i0] * s0) + o0;
                output[p + 1] = (row[p + i1] * s1) + o1;
                output[p + 2] = (row[p + i2] * s2) + o2;
            }
        }
    }

    private static void WritePlanar(
        Mat image, int size, ReadOnlySpan<int> src, ReadOnlySpan<float> scale, ReadOnlySpan<float> offset, Span<float> destination)
    {
        int i0 = src[0], i1 = src[1], i2 = src[2];
        float s0 = scale[0], s1 = scale[1], s2 = scale[2], o0 = offset[0], o1 = offset[1], o2 = offset[2];
        var plane = size * size;
        for (var y = 0; y < size; y++)
        {
            ReadOnlySpan<byte> row = image.RowSpan<byte>(y)[..(size * 3)];
            var c0 = destination.Slice(y * size, size);
            var c1 = destination.Slice(plane + (y * size), size);
            var c2 = destination.Slice((2 * plane) + (y * size), size);
            for (int x = 0, p = 0; x < c0.Length; x++, p += 3)
            {
                c0[x] = (row[p + i0] * s0) + o0;
                c1[x] = (row[p + i1] * s1) + o1;
                c2[x] = (row[p + i2] * s2) + o2;
            }
        }
    }
}
