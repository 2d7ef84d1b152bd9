using Microsoft.Extensions.Options;
using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

public sealed class FileImageFetcherTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static FileImageFetcher Fetcher(Action<FetchOptions>? configure = null, Action<UriPolicyOptions>? policy = null)
    {
        var options = new FetchOptions();
        configure?.Invoke(options);
        var policyOptions = new UriPolicyOptions();
        policy?.Invoke(policyOptions);
        return new FileImageFetcher(Options.Create(options), new UriPolicy(policyOptions, BlobEndpoints.PublicCloudOnly));
    }

    [Fact]
    public async Task FetchAsync_PathOrFileUri_ReadsTheBytes()
    {
        var path = _dir.File("a b/c#1.png", [1, 2, 3]);

        var byPath = await Fetcher().FetchAsync(path, CancellationToken.None);
        var byUri = await Fetcher().FetchAsync(new Uri(path).AbsoluteUri, CancellationToken.None);

        Assert.Equal([1, 2, 3], byPath.Data.ToArray());
        Assert.Equal(new Uri(path).AbsoluteUri, byPath.Uri);
        Assert.Equal(byPath.Uri, byUri.Uri);
        Assert.StartsWith("stat:3:", byPath.ContentId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_MissingFileOrFolder_IsNotFound()
    {
        var missingFile = await Assert.ThrowsAsync<ImageFailureException>(() =>
            Fetcher().FetchAsync(Path.Combine(_dir.Path, "nope.jpg"), CancellationToken.None).AsTask());
        var missingFolder = await Assert.ThrowsAsync<ImageFailureException>(() =>
            Fetcher().FetchAsync(Path.Combine(_dir.Path, "nope", "x.jpg"), CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.NotFound, missingFile.Reason);
        Assert.Equal(FailureReason.NotFound, missingFolder.Reason);
    }

    [Fact]
    public async Task FetchAsync_FileOverMaxBytes_IsTooLarge()
    {
        var path = _dir.File("big.jpg", new byte[101]);

        var ex = await Assert.ThrowsAsync<ImageFailureException>(() =>
            Fetcher(o => o.MaxBytes = 100).FetchAsync(path, CancellationToken.None).AsTask());
        var exact = await Fetcher(o => o.MaxBytes = 101).FetchAsync(path, CancellationToken.None);

        Assert.Equal(FailureReason.TooLarge, ex.Reason);
        Assert.Equal(101, exact.Data.Length);
    }

    [Fact]
    public async Task FetchAsync_Folder_IsNotAFile()
    {
        var ex = await Assert.ThrowsAsync<ImageFailureException>(() => Fetcher().FetchAsync(_dir.Path, CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.NotAFile, ex.Reason);
        Assert.Contains("a directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_NamedPipeWithoutWriter_IsRefusedWithoutOpening()
    {
        var fifo = Path.Combine(_dir.Path, "camera_stream.jpg");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
        }

        // Opening it would block for ever; the test's own timeout catches a regression instead of hanging.
        var fetch = Fetcher().FetchAsync(fifo, CancellationToken.None).AsTask();
        var ex = await Assert.ThrowsAsync<ImageFailureException>(() => fetch.WaitAsync(TimeSpan.FromMinutes(1)));

        Assert.Equal(FailureReason.NotAFile, ex.Reason);
        Assert.Contains("named pipe", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_SymbolicLinkLoopsAndDanglingLink_AreImageFailures()
    {
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "a.jpg"), "b.jpg");
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "b.jpg"), "a.jpg");
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "self.jpg"), "self.jpg");
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "dangling.jpg"), "nowhere.jpg");

        async Task<ImageFailureException> Fail(string name) =>
            await Assert.ThrowsAsync<ImageFailureException>(() => Fetcher().FetchAsync(Path.Combine(_dir.Path, name), CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.NotAFile, (await Fail("a.jpg")).Reason);
        Assert.Contains("link loop", (await Fail("self.jpg")).Message, StringComparison.Ordinal);
        var dangling = await Fail("dangling.jpg");
        Assert.Equal(FailureReason.NotFound, dangling.Reason);
        Assert.Contains("dangling symbolic link", dangling.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_NameLongerThanTheFileSystemAllows_IsInvalidUri()
    {
        var ex = await Assert.ThrowsAsync<ImageFailureException>(() =>
            Fetcher().FetchAsync(Path.Combine(_dir.Path, new string('n', 300) + ".jpg"), CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.InvalidUri, ex.Reason);
        Assert.Contains("too long", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_CharacterDeviceBehindALink_IsRefused()
    {
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "zeros.jpg"), "/dev/zero");

        var ex = await Assert.ThrowsAsync<ImageFailureException>(() =>
            Fetcher().FetchAsync(Path.Combine(_dir.Path, "zeros.jpg"), CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.NotAFile, ex.Reason);
        Assert.Contains("character device", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_PathOutsideTheAllowedRoots_IsRefused()
    {
        var inside = _dir.File("photos/a.jpg");
        var sibling = _dir.File("photos2/a.jpg");
        var fetcher = Fetcher(policy: o => o.AllowedFileRoots.Add(Path.Combine(_dir.Path, "photos")));

        var ok = await fetcher.FetchAsync(inside, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<ImageFailureException>(() => fetcher.FetchAsync(sibling, CancellationToken.None).AsTask());
        var escaped = await Assert.ThrowsAsync<ImageFailureException>(() =>
            fetcher.FetchAsync(Path.Combine(_dir.Path, "photos", "..", "photos2", "a.jpg"), CancellationToken.None).AsTask());

        Assert.Equal(1, ok.Data.Length);
        Assert.Equal(FailureReason.Refused, refused.Reason);
        Assert.Equal(FailureReason.Refused, escaped.Reason);
    }

    [Fact]
    public async Task FetchAsync_HttpUrl_IsInvalidUri()
    {
        var ex = await Assert.ThrowsAsync<ImageFailureException>(() =>
            Fetcher().FetchAsync("https://example.com/a.jpg", CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.InvalidUri, ex.Reason);
    }
}
