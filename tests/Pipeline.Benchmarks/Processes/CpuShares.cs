namespace Pipeline.Benchmarks.Processes;

/// <summary>Fractions of all cores over a run: busy in all, and by the worker, Postgres, RabbitMQ and the rest.</summary>
internal sealed record CpuShares(double Busy, double Worker, double Postgres, double RabbitMq, double Other)
{
    public static CpuShares Between(CpuSnapshot before, CpuSnapshot after, TimeSpan worker)
    {
        var total = (after.MachineTotal - before.MachineTotal).TotalSeconds;
        var busy = (after.MachineBusy - before.MachineBusy).TotalSeconds / total;
        var postgres = CpuSnapshot.Used(before, after, "postgres").TotalSeconds / total;
        var rabbit = CpuSnapshot.Used(before, after, "beam").TotalSeconds / total;
        var workerShare = worker.TotalSeconds / total;
        return new CpuShares(busy, workerShare, postgres, rabbit, Math.Max(0, busy - workerShare - postgres - rabbit));
    }

    public override string ToString() =>
        FormattableString.Invariant($"{Busy:P0} busy: worker {Worker:P0}, Postgres {Postgres:P0}, RabbitMQ {RabbitMq:P0}, other {Other:P0}");
}
