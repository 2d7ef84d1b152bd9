using System.Text;
using Microsoft.Extensions.Options;
using Pipeline.Common.Sources;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.UnitTests.Worker;

namespace Pipeline.IntegrationTests.Sources;

public sealed class NonUtf8NameTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("non-utf8-");

    public void Dispose()
    {
        // .NET cannot name (so cannot delete) files whose names are not UTF-8.
        using var rm = System.Diagnostics.Process.Start("rm", ["-rf", _root.FullName]);
        rm.WaitForExit();
    }

    [Fact]
    public async Task FolderListing_Latin1NamesBesideTheirReplacementCharLookAlike_ListsOnlyTheRealFileAndWarnsWithTheCount()
    {
        var root = Encoding.UTF8.GetBytes(_root.FullName + "/");
        RawFiles.Write([.. root, 0xFF, .. ".jpg"u8], "latin-1 y-umlaut"u8.ToArray());
        RawFiles.Write([.. root, 0xFE, .. ".jpg"u8], "latin-1 thorn"u8.ToArray());
        RawFiles.Write([.. root, .. "\uFFFD.jpg"u8], "a real U+FFFD name"u8.ToArray());
        RawFiles.Write([.. root, 0xE9, .. "t\u00E9.jpg"u8], "mixed"u8.ToArray());
        RawFiles.CreateFolder([.. root, 0xC9, .. "t\u00E9"u8]);
        RawFiles.Write([.. root, 0xC9, .. "t\u00E9/in.jpg"u8], "inside a latin-1 folder"u8.ToArray());
        RawFiles.Write([.. root, .. "ok.jpg"u8], "ok"u8.ToArray());
        var logger = new CollectingLogger();

        var listed = await new FolderImageSource(_root.FullName, logger).EnumerateAsync(CancellationToken.None).ToListAsync();

        Assert.Equal([FileUris.Format(Path.Join(_root.FullName, "ok.jpg")), FileUris.Format(Path.Join(_root.FullName, "\uFFFD.jpg"))], listed.Select(r => r.Uri));
        var fetched = await new FileImageFetcher(Options.Create(new FetchOptions()), UriPolicy.AllowAll()).FetchAsync(listed[1].Uri, CancellationToken.None);
        Assert.Equal("a real U+FFFD name"u8.ToArray(), fetched.Data.ToArray());
        var warning = Assert.Single(logger.Lines);
        Assert.StartsWith("Warning: Skipped 4 entries of " + _root.FullName, warning, StringComparison.Ordinal);
        Assert.Contains("not UTF-8", warning, StringComparison.Ordinal);
    }
}
