using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

internal static class SourceTestHelpers
{
    public static async Task<List<ImageRef>> ReadAllAsync(IImageSource source) =>
        await source.EnumerateAsync(CancellationToken.None).ToListAsync();
}
