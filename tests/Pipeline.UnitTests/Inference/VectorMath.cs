namespace Pipeline.UnitTests.Inference;

/// <summary>Comparing embeddings in tests (shared with the integration tests, which link this file).</summary>
internal static class VectorMath
{
    /// <summary>Cosine similarity of two equal-length vectors, accumulated in double so a 0.999999 threshold means what it says.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Lengths differ: {a.Length} and {b.Length}.", nameof(b));
        }

        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
