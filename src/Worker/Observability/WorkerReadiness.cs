namespace Pipeline.Worker.Observability;

/// <summary>Whether the worker takes work: ready once the model is loaded and it consumes, not while it drains.</summary>
internal sealed class WorkerReadiness
{
    private const int Starting = 0;
    private const int Consuming = 1;
    private const int Draining = 2;
    private int _state;

    public bool IsReady => Volatile.Read(ref _state) == Consuming;

    public string Describe() => Volatile.Read(ref _state) switch
    {
        Consuming => "ready",
        Draining => "draining",
        _ => "starting",
    };

    public void MarkConsuming() => Interlocked.CompareExchange(ref _state, Consuming, Starting);

    public void MarkDraining() => Volatile.Write(ref _state, Draining);
}
