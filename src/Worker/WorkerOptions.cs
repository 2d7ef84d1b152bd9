using System.ComponentModel.DataAnnotations;

namespace Pipeline.Worker;

/// <summary>Worker pipeline tuning. Bound from the <c>Worker</c> section.</summary>
internal sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>Images per ONNX Runtime call; batches are filled across messages. Default 32; 1 to 1,024.</summary>
    [Range(1, 1024)]
    public int InferenceBatchSize { get; set; } = 32;

    /// <summary>How long a partial batch waits for more images before it runs anyway. Default 50 ms; 0 to 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan BatchFlushDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Unacked messages the broker may hand this worker; 0 = enough for four inference batches (<see cref="EffectivePrefetch"/>). Default 0; 0 to 1,000.</summary>
    [Range(0, 1000)]
    public int Prefetch { get; set; }

    /// <summary>URIs per message the scheduler sends (its <c>BatchSize</c>); sizes the automatic prefetch. Default 32; 1 to 10,000.</summary>
    [Range(1, 10_000)]
    public int ExpectedMessageSize { get; set; } = 32;

    /// <summary>Concurrent fetches (I/O bound: more than cores). Default 16; 1 to 512.</summary>
    [Range(1, 512)]
    public int FetchConcurrency { get; set; } = 16;

    /// <summary>Parallel decoders; 0 = <see cref="DefaultDecodeConcurrency"/> (set at start from the inference settings). Default 0; 0 to 256.</summary>
    [Range(0, 256)]
    public int DecodeConcurrency { get; set; }

    /// <summary>Completed messages committed in one transaction at most. Default 16; 1 to 1,000.</summary>
    [Range(1, 1000)]
    public int MaxMessagesPerCommit { get; set; } = 16;

    /// <summary>On SIGTERM, how long in-flight messages may take to finish before they are returned to the queue. Default 30 s; 0 to 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Four inference batches' worth of messages: while one batch runs, the next is decoded and the one after is
    /// fetched, with a spare to cover the commit-and-ack round trip before the broker sends more. Measured (README
    /// "Performance"): two batches' worth left the cores idle between messages (0.78 of ideal), four reach 0.87–0.89,
    /// more gains nothing. No more than that: unacked messages are redelivered work when a worker dies.
    /// </summary>
    public int EffectivePrefetch => Prefetch > 0 ? Prefetch : Math.Max(4, 4 * (int)Math.Ceiling(InferenceBatchSize / (double)ExpectedMessageSize));

    public int EffectiveDecodeConcurrency => DecodeConcurrency > 0 ? DecodeConcurrency : Environment.ProcessorCount;

    /// <summary>
    /// Decoders when <see cref="DecodeConcurrency"/> is 0: the cores the inference session does not use. With a GPU
    /// provider inference takes no core and decoding is the bottleneck: all <paramref name="cores"/>. On the CPU with
    /// <see cref="Inference.InferenceOptions.IntraOpThreads"/> = k: the other cores − k (at least one). On the CPU with
    /// k = 0 ONNX Runtime's threads take every core but do not spin between batches, so the decoders share all of them
    /// too (measured best on the 2-core benchmark machine, README "Performance").
    /// </summary>
    /// <param name="gpu">Inference runs on a GPU provider (<see cref="Inference.InferenceOptions.IsGpu"/>).</param>
    /// <param name="intraOpThreads">ONNX Runtime's threads on the CPU (<see cref="Inference.InferenceOptions.IntraOpThreads"/>).</param>
    /// <param name="cores">Cores the process may use (<see cref="Environment.ProcessorCount"/>: the container's CPU limit).</param>
    public static int DefaultDecodeConcurrency(bool gpu, int intraOpThreads, int cores)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cores, 1);
        return gpu || intraOpThreads == 0 ? cores : Math.Max(1, cores - intraOpThreads);
    }
}
