using System.Buffers;
using System.Numerics.Tensors;

namespace Pipeline.Common.Inference;

/// <summary>
/// Global pooling of backbone feature maps (Keras <c>pooling='avg'|'max'</c>, generalised mean) and L2 normalisation.
/// Works on any spatial rank: a map is [C, S…] when channels-first (NCHW) or [S…, C] when channels-last (NHWC).
/// </summary>
public static class GlobalPooling
{
    /// <summary>GeM's exponent unless told otherwise (Radenović et al. use 3 for retrieval).</summary>
    public const float DefaultGemP = 3f;

    /// <summary>GeM clamps activations to at least this before the power, so zeros and negatives stay finite.</summary>
    public const float GemEpsilon = 1e-6f;

    /// <summary>Pools <paramref name="count"/> maps laid end to end into <paramref name="count"/> × channels values.</summary>
    /// <param name="gemP">GeM's exponent; ignored by the other modes.</param>
    public static void Pool(
        PoolingMode mode, ReadOnlySpan<float> maps, int count, int channels, TensorLayout layout, Span<float> pooled, float gemP = DefaultGemP)
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
            switch (mode)
            {
                case PoolingMode.Max:
                    Max(map, layout, vector);
                    break;
                case PoolingMode.Gem:
                    GeneralizedMean(map, layout, gemP, vector);
                    break;
                default:
                    Average(map, layout, vector);
                    break;
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

    /// <summary>
    /// Generalised mean over all spatial positions of one map: (mean over positions of max(x, ε)^p)^(1/p),
    /// with ε = <see cref="GemEpsilon"/>; the channel count is <c>pooled.Length</c>.
    /// </summary>
    public static void GeneralizedMean(ReadOnlySpan<float> map, TensorLayout layout, float p, Span<float> pooled)
    {
        if (!(p > 0f) || !float.IsFinite(p))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "GeM's p must be a positive finite number.");
        }

        var positions = Positions(map, pooled.Length);
        var scratchLength = layout == TensorLayout.Nchw ? positions : pooled.Length;
        var rented = ArrayPool<float>.Shared.Rent(scratchLength);
        try
        {
            var scratch = rented.AsSpan(0, scratchLength);
            if (layout == TensorLayout.Nchw)
            {
                for (var c = 0; c < pooled.Length; c++)
                {
                    ClampedPower(map.Slice(c * positions, positions), p, scratch);
                    pooled[c] = TensorPrimitives.Sum<float>(scratch);
                }
            }
            else
            {
                pooled.Clear();
                for (var s = 0; s < positions; s++)
                {
                    ClampedPower(map.Slice(s * pooled.Length, pooled.Length), p, scratch);
                    TensorPrimitives.Add(pooled, scratch, pooled);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }

        TensorPrimitives.Divide(pooled, positions, pooled);
        TensorPrimitives.Pow(pooled, 1f / p, pooled);
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

    private static void ClampedPower(ReadOnlySpan<float> values, float p, Span<float> destination)
    {
        TensorPrimitives.Max(values, GemEpsilon, destination);
        TensorPrimitives.Pow(destination, p, destination);
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
