namespace Pipeline.Worker.Observability;

/// <summary>The timed stages of the worker; the label values of the latency histogram.</summary>
internal enum WorkerStage
{
    /// <summary>One image read from its source.</summary>
    Fetch,

    /// <summary>One image decoded and preprocessed.</summary>
    Decode,

    /// <summary>One inference batch.</summary>
    Inference,

    /// <summary>One commit of a group of messages (retries included).</summary>
    Write,
}
