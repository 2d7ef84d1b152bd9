using System.Numerics.Tensors;

namespace Pipeline.Common.Inference;

/// <summary>
/// What is left on the host after the graph pools (<see cref="Onnx.PoolingRewriter.PoolOutput"/>): GeM's constants and
/// L2 normalisation of the pooled [N, C] rows (N × C multiply-adds, cheapest here rather than as more graph nodes).
/// </summary>
public static class GlobalPooling
{
    /// <summary>GeM's exponent unless told otherwise (Radenović et al. use 3 for retrieval).</summary>
    public const float DefaultGemP = 3f;

    /// <summary>GeM clamps activations to at least this before the power, so zeros and negatives stay finite.</summary>
    public const float GemEpsilon = 1e-6f;

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
}
