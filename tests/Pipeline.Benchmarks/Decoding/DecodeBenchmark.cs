using System.Buffers;
using System.Diagnostics;
using Pipeline.Common.Decoding;

namespace Pipeline.Benchmarks.Decoding;

/// <summary>Decode + preprocess alone, from bytes already in memory, one decoder per core (the worker's default).</summary>
internal static class DecodeBenchmark
{
    public static Throughput Run(IReadOnlyList<byte[]> images, PreprocessSpec spec, int threads)
    {
        var preprocessor = new ImagePreprocessor();
        // One untimed pass over a few images: OpenCV's first calls load codecs and size thread-local buffers.
        Decode(preprocessor, images.Take(threads * 2).ToList(), spec, threads);
        var stopwatch = Stopwatch.StartNew();
        Decode(preprocessor, images, spec, threads);
        return new Throughput(images.Count, stopwatch.Elapsed);
    }

    private static void Decode(ImagePreprocessor preprocessor, IReadOnlyList<byte[]> images, PreprocessSpec spec, int threads) =>
        Parallel.For(
            0,
            images.Count,
            new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => ArrayPool<float>.Shared.Rent(spec.TensorLength),
            (i, _, tensor) =>
            {
                preprocessor.DecodeInto(images[i], spec, tensor.AsSpan(0, spec.TensorLength));
                return tensor;
            },
            tensor => ArrayPool<float>.Shared.Return(tensor));
}
