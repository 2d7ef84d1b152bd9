using Microsoft.Extensions.Options;
using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

public sealed class FolderImageSourceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ListAsync_NestedFolders_ListsImagesRecursivelyInAStableOrder()
    {
        foreach (var name in new[]
        {
            "b.JPG", "a.jpeg", "C.Png", "notes.txt", "noext", "x.jpg.bak", ".hidden.jpg",
            "sub2/z.webp", "sub2/deeper/y.TIFF", "sub1/m.gif", "sub1/n.bmp", "sub1/o.tif", "sub1/meta.json",
            ".thumbnails/t.jpg", "Sub0/UPPER.JPEG",
        })
        {
            _dir.File(name);
        }
        Directory.CreateDirectory(Path.Combine(_dir.Path, "empty"));

        var refs = await SourceTestHelpers.ReadAllAsync(new FolderImageSource(_dir.Path));

        string[] expected = ["C.Png", "a.jpeg", "b.JPG", "Sub0/UPPER.JPEG", "sub1/m.gif", "sub1/n.bmp", "sub1/o.tif", "sub2/z.webp", "sub2/deeper/y.TIFF"];
        Assert.Equal(expected.Select(name => new Uri(Path.Combine(_dir.Path, name)).AbsoluteUri), refs.Select(r => r.Uri));
    }

    [Fact]
    public async Task ListAsync_Identity_IsSizeAndMtimeAsTheFileFetcherReports()
    {
        var path = _dir.File("a/photo.jpg", new byte[1234]);
        File.SetLastWriteTimeUtc(path, new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1234567));

        var listed = Assert.Single(await SourceTestHelpers.ReadAllAsync(new FolderImageSource(_dir.Path)));
        var fetched = await new FileImageFetcher(Options.Create(new FetchOptions()), UriPolicy.AllowAll()).FetchAsync(listed.Uri, CancellationToken.None);

        Assert.Equal($"stat:1234:{new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1234567).Ticks}", listed.ContentId);
        Assert.Equal(listed.ContentId, fetched.ContentId);
        Assert.Equal(listed.Uri, fetched.Uri);
    }

    [Fact]
    public async Task Constructor_RelativeRoot_BecomesAbsoluteInTheDescription()
    {
        var source = new FolderImageSource(Path.GetRelativePath(Environment.CurrentDirectory, _dir.Path));

        Assert.Equal("folder:" + _dir.Path, source.Description);
        Assert.Empty(await SourceTestHelpers.ReadAllAsync(source));
    }

    [Fact]
    public async Task ListAsync_SymbolicLinkToAFolder_IsNotFollowed()
    {
        _dir.File("real/a.jpg");
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "real/loop"), _dir.Path);

        var refs = await SourceTestHelpers.ReadAllAsync(new FolderImageSource(_dir.Path));

        Assert.Equal(new Uri(Path.Combine(_dir.Path, "real/a.jpg")).AbsoluteUri, Assert.Single(refs).Uri);
    }

    [Fact]
    public async Task ListAsync_MissingRoot_ThrowsDirectoryNotFound()
    {
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() =>
            SourceTestHelpers.ReadAllAsync(new FolderImageSource(Path.Combine(_dir.Path, "missing"))));
    }

    [Fact]
    public async Task ListAsync_Enumeration_IsLazyAndCancellable()
    {
        for (var i = 0; i < 5; i++)
        {
            _dir.File($"d{i}/x.jpg");
        }
        using var cts = new CancellationTokenSource();
        var seen = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in new FolderImageSource(_dir.Path).EnumerateAsync(cts.Token))
            {
                seen++;
                await cts.CancelAsync();
            }
        });

        Assert.Equal(1, seen);
    }
}
