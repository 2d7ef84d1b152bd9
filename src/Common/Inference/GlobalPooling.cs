using System.Numerics.Tensors;

namespace Pipeline.Common.Inference;

/// <summary>
/// Global pooling of backbone feature maps (Keras <c>pooling='avg'|'max'</c>) and L2 normalisation.
/// Works on any spatial rank: a map is [C, S…] when channels-first (NCHW) or [S…, C] when channels-last (NHWC).
/// </summary>
public static class GlobalPooling
{
    /// <summary>Pools <paramref name="count"/> maps laid end to end into <paramref name="count"/> × channels values.</summary>
    public static void Pool(
        PoolingMode mode, ReadOnlySpan<float> maps, int count, int channels, TensorLayout layout, Span<float> pooled)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (maps.Length % count != 0)
        {
            throw new ArgumentException($"{maps.Length} floats do not split into {count} maps.", nameof(maps));
        }

        if (pooled.Length != count * channels)
        {
            throw new ArgumentException($"Expected {count} × {channels} pooled floats, got {pooled.Length}.", nameof(pooled));
        }

        var mapLength = maps.Length / count;
        for (var i = 0; i < count; i++)
        {
            var map = maps.Slice(i * mapLength, mapLength);
            var vector = pooled.Slice(i * channels, channels);
            if (mode == PoolingMode.Max)
            {
                Max(map, layout, vector);
            }
            else
            {
                Average(map, layout, vector);
            }
        }
    }

    /// <summary>Mean over all spatial positions of one map; the channel count is <c>pooled.Length</c>.</summary>
    public static void Average(ReadOnlySpan<float> map, TensorLayout layout, Span<float> pooled)
    {
        var positions = Positions(map, pooled.Length);
        if (layout == TensorLayout.Nchw)
        {
            for (var c = 0; c < pooled.Length; c++)
            {
                pooled[c] = TensorPrimitives.Sum(map.Slice(c * positions, positions)) / positions;
            }

            return;
        }

        map[..pooled.Length].CopyTo(pooled);
        for (var s = 1; s < positions; s++)
        {
            TensorPrimitives.Add(pooled, map.Slice(s * pooled.Length, pooled.Length), pooled);
        }

        TensorPrimitives.Divide(pooled, positions, pooled);
    }

    /// <summary>Maximum over all spatial positions of one map; the channel count is <c>pooled.Length</c>.</summary>
    public static void Max(ReadOnlySpan<float> map, TensorLayout layout, Span<float> pooled)
    {
        var positions = Positions(map, pooled.Length);
        if (layout == TensorLayout.Nchw)
        {
            for (var c = 0; c < pooled.Length; c++)
            {
                pooled[c] = TensorPrimitives.Max(map.Slice(c * positions, positions));
            }

            return;
        }

        map[..pooled.Length].CopyTo(pooled);
        for (var s = 1; s < positions; s++)
        {
            TensorPrimitives.Max(pooled, map.Slice(s * pooled.Length, pooled.Length), pooled);
        }
    }

    /// <summary>Scales each <paramref name="width"/>-long row of <paramref name="vectors"/> to unit length.</summary>
    public static void L2NormalizeRows(Span<float> vectors, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (vectors.Length % width != 0)
        {
            throw new ArgumentException($"{vectors.Length} floats do not split into rows of {width}.", nameof(vectors));
        }

        for (var offset = 0; offset < vectors.Length; offset += width)
        {
            L2Normalize(vectors.Slice(offset, width));
        }
    }

    /// <summary>Scales to unit length in place; an all-zero vector stays zero rather than turning into NaN.</summary>
    public static void L2Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0f && float.IsFinite(norm))
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }

    private static int Positions(ReadOnlySpan<float> map, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (map.Length == 0 || map.Length % channels != 0)
        {
            throw new ArgumentException($"A map of {map.Length} floats does not hold {channels} channels.", nameof(map));
        }

        return map.Length / channels;
    }
}
