using Microsoft.Extensions.Options;
using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

/// <summary>Allowed roots hold for the file actually opened: symbolic links are resolved.</summary>
public sealed class FileImageFetcherPolicyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static FileImageFetcher Fetcher(string root)
    {
        var options = new UriPolicyOptions();
        options.AllowedFileRoots.Add(root);
        return new FileImageFetcher(Options.Create(new FetchOptions()), new UriPolicy(options, BlobEndpoints.PublicCloudOnly));
    }

    [Fact]
    public async Task FetchAsync_LinkInsideRootToFileOutside_IsRefused()
    {
        var secret = _dir.File("secret/key.jpg", [9, 9, 9]);
        var link = Path.Combine(_dir.Path, "photos", "innocent.jpg");
        _dir.File("photos/real.jpg", [1]);
        File.CreateSymbolicLink(link, secret);

        var ex = await Assert.ThrowsAsync<ImageFailureException>(() =>
            Fetcher(Path.Combine(_dir.Path, "photos")).FetchAsync(link, CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.Refused, ex.Reason);
        Assert.Contains("links to a file outside", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_LinkedFolderInsideRootPointingOutside_IsRefused()
    {
        _dir.File("secret/key.jpg", [9]);
        Directory.CreateDirectory(Path.Combine(_dir.Path, "photos"));
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "photos", "escape"), Path.Combine(_dir.Path, "secret"));

        var ex = await Assert.ThrowsAsync<ImageFailureException>(() =>
            Fetcher(Path.Combine(_dir.Path, "photos")).FetchAsync(Path.Combine(_dir.Path, "photos", "escape", "key.jpg"), CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.Refused, ex.Reason);
    }

    [Fact]
    public async Task FetchAsync_RootThatIsALink_AllowsTheFilesBehindIt()
    {
        _dir.File("mnt/disk1/photos/a.jpg", [1, 2]);
        var root = Path.Combine(_dir.Path, "photos");
        Directory.CreateSymbolicLink(root, Path.Combine(_dir.Path, "mnt", "disk1", "photos"));

        var image = await Fetcher(root).FetchAsync(Path.Combine(root, "a.jpg"), CancellationToken.None);

        Assert.Equal([1, 2], image.Data.ToArray());
    }

    [Fact]
    public async Task FetchAsync_LinkInsideRootToFileInside_IsRead()
    {
        var target = _dir.File("photos/2024/a.jpg", [7]);
        var link = Path.Combine(_dir.Path, "photos", "latest.jpg");
        File.CreateSymbolicLink(link, "2024/a.jpg");

        var image = await Fetcher(Path.Combine(_dir.Path, "photos")).FetchAsync(link, CancellationToken.None);

        Assert.Equal([7], image.Data.ToArray());
        Assert.True(File.Exists(target));
    }
}
