using System.Globalization;
using System.Text;

namespace Pipeline.Scheduler.Status;

/// <summary>
/// For a person at a terminal: one line redrawn in place (carriage return) with a bar, counts, rate and
/// ETA, cut to the terminal's width so it never wraps; the final summary replaces it as a plain line.
/// </summary>
internal sealed class TerminalProgressDisplay(TextWriter output, int width) : IProgressDisplay
{
    private const int BarWidth = 24;
    private int _drawn;

    public static string Render(JobProgress progress)
    {
        var s = progress.Status;
        var bar = new StringBuilder("[");
        var filled = progress.Fraction is { } f ? (int)Math.Round(f * BarWidth) : 0;
        bar.Append('#', filled).Append('.', BarWidth - filled).Append(']');
        var percent = progress.Fraction is { } p ? (p * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : "?%";
        var total = s.Total?.ToString(CultureInfo.InvariantCulture) ?? "?";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{bar} {percent,4}  {s.Done}/{total} images  failed {s.Failed}  skipped {s.Skipped}  {progress.RateText}  ETA {progress.EtaText}");
    }

    public Task UpdateAsync(JobProgress progress, CancellationToken cancellationToken) => DrawAsync(Render(progress), cancellationToken);

    public async Task FinishAsync(JobProgress progress, CancellationToken cancellationToken)
    {
        await DrawAsync(string.Empty, cancellationToken).ConfigureAwait(false);
        await output.WriteAsync("\r".AsMemory(), cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(progress.Describe().AsMemory(), cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task DrawAsync(string line, CancellationToken cancellationToken)
    {
        // One column short of the width: writing the last column makes some terminals wrap.
        var fitted = line.Length >= width ? line[..Math.Max(0, width - 1)] : line;
        // Blanks over whatever the previous, longer line left behind.
        var padded = fitted.PadRight(_drawn);
        await output.WriteAsync(("\r" + padded).AsMemory(), cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        _drawn = fitted.Length;
    }
}
