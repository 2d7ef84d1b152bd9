namespace Pipeline.Common.Storage;

/// <summary>
/// Passes on a build's progress reading when its phase changes or it crosses a tenth of the phase: a readable log
/// rather than a line a second. Reports on the reading's thread (<see cref="Progress{T}"/> would post lines late).
/// </summary>
public sealed class IndexProgressSteps(Action<IndexProgress> report) : IProgress<IndexProgress>
{
    private (string? Phase, int? Tenth) _last;

    /// <summary>Reports <paramref name="value"/> when it reaches a new step.</summary>
    public void Report(IndexProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var now = (value.Phase, value.Percent / 10);
        if (now != _last)
        {
            _last = now;
            report(value);
        }
    }
}
