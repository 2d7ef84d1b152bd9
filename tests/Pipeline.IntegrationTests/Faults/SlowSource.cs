using System.Runtime.CompilerServices;
using Pipeline.Common.Sources;

namespace Pipeline.IntegrationTests.Faults;

/// <summary>A listing that trickles in (like a huge container listed page by page), so a fault can land mid-enqueue.</summary>
internal sealed class SlowSource(IReadOnlyList<string> files, TimeSpan perItem, bool withIdentity = false) : IImageSource
{
    public string Description => "slow-test-source";

    public async IAsyncEnumerable<ImageRef> EnumerateAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var file in files)
        {
            await Task.Delay(perItem, cancellationToken);
            // With an identity the scheduler looks each chunk up in the database (incremental skip).
            yield return new ImageRef(new Uri(file).AbsoluteUri, withIdentity ? "stat:" + file : null);
        }
    }
}
