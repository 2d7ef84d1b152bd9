using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.Onnx;

namespace Pipeline.UnitTests.Inference;

/// <summary>Global pooling written out loop by loop, independently of <see cref="GlobalPooling"/>, in double precision.</summary>
internal static class HandPooling
{
    /// <summary>The reference the in-graph pooling is checked against: <paramref name="count"/> maps into <paramref name="pooled"/>.</summary>
    public static void Pool(PoolingMode mode, ReadOnlySpan<float> maps, int count, int channels, TensorLayout layout, Span<float> pooled, float gemP = GlobalPooling.DefaultGemP)
    {
        var array = maps.ToArray();
        var result = mode switch
        {
            PoolingMode.Avg => Average(array, count, channels, layout),
            PoolingMode.Max => Max(array, count, channels, layout),
            PoolingMode.Gem => Gem(array, count, channels, layout, gemP),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown pooling mode"),
        };
        result.CopyTo(pooled);
    }

    public static float[] Average(float[] maps, int count, int channels, TensorLayout layout) =>
        Reduce(maps, count, channels, layout, values => values.Average());

    public static float[] Max(float[] maps, int count, int channels, TensorLayout layout) =>
        Reduce(maps, count, channels, layout, values => values.Max());

    /// <summary>(mean of max(x, 1e-6)^p)^(1/p).</summary>
    public static float[] Gem(float[] maps, int count, int channels, TensorLayout layout, double p) =>
        Reduce(maps, count, channels, layout, values => Math.Pow(values.Select(v => Math.Pow(Math.Max(v, 1e-6), p)).Average(), 1 / p));

    private static float[] Reduce(float[] maps, int count, int channels, TensorLayout layout, Func<IEnumerable<double>, double> reduce)
    {
        var positions = maps.Length / count / channels;
        var pooled = new float[count * channels];
        for (var n = 0; n < count; n++)
        {
            for (var c = 0; c < channels; c++)
            {
                var values = Enumerable.Range(0, positions).Select(s => (double)maps[(n * channels * positions) + (layout == TensorLayout.Nchw
                    ? (c * positions) + s
                    : (s * channels) + c)]);
                pooled[(n * channels) + c] = (float)reduce(values);
            }
        }

        return pooled;
    }
}
