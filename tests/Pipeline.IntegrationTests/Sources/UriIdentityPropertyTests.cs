using System.Text;
using CsCheck;
using Microsoft.Extensions.Options;
using Pipeline.Common.Sources;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.UnitTests.Sources;

namespace Pipeline.IntegrationTests.Sources;

/// <summary>
/// Listing → URI → fetch on the real file system and Azurite, for random names: every listed object comes back
/// with its own bytes, its URI parses back to itself, and no two objects share a URI.
/// </summary>
public sealed class UriIdentityPropertyTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    [Fact]
    public void FolderListing_RandomByteNames_FetchesEachListedFileAndSkipsOnlyNonUtf8Names()
    {
        // A folder (or none) and a file name, each any bytes Linux allows; 'p' keeps them visible (not dot-files).
        var entry = Gen.Select(NameGenerators.RawFileName, NameGenerators.RawFileName, Gen.Bool);
        entry.Array[1, 12].Sample(entries =>
        {
            var root = Directory.CreateTempSubdirectory("uri-identity-");
            try
            {
                var expected = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                var created = new HashSet<string>(StringComparer.Ordinal);
                var index = 0;
                foreach (var (folder, name, nested) in entries)
                {
                    byte[] relative = nested ? [(byte)'p', .. folder, (byte)'/', (byte)'p', .. name, .. ".jpg"u8] : [(byte)'p', .. name, .. ".jpg"u8];
                    if (!created.Add(Convert.ToHexString(relative)))
                    {
                        continue;
                    }
                    var content = Encoding.ASCII.GetBytes($"image {index++} {Convert.ToHexString(relative)}");
                    var rootBytes = Encoding.UTF8.GetBytes(root.FullName + "/");
                    if (nested)
                    {
                        RawFiles.CreateFolder([.. rootBytes, (byte)'p', .. folder]);
                    }
                    RawFiles.Write([.. rootBytes, .. relative], content);
                    if (TryUtf8(relative) is { } text)
                    {
                        expected[Path.Join(root.FullName, text)] = content;
                    }
                }

                var listed = new FolderImageSource(root.FullName).EnumerateAsync(CancellationToken.None).ToListAsync().AsTask().GetAwaiter().GetResult();
                var fetcher = FileFetcher();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var image in listed)
                {
                    Assert.True(seen.Add(image.Uri), $"two files share {image.Uri}");
                    var parsed = ImageUri.Parse(image.Uri);
                    Assert.Equal(image.Uri, parsed.Value);
                    Assert.Equal(image.Uri, FileUris.Format(parsed.LocalPath!));
                    Assert.True(expected.TryGetValue(parsed.LocalPath!, out var content), $"listed {image.Uri}, which was never created");
                    var fetched = fetcher.FetchAsync(image.Uri, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                    Assert.Equal(content, fetched.Data.ToArray());
                }
                Assert.Equal(expected.Count, listed.Count);
            }
            finally
            {
                // .NET cannot name (so cannot delete) files whose names are not UTF-8.
                using var rm = System.Diagnostics.Process.Start("rm", ["-rf", root.FullName]);
                rm.WaitForExit();
            }
        }, iter: 150, threads: 1);
    }

    [Fact]
    public async Task ContainerListing_RandomBlobNames_FetchesEachBlobsOwnBytes()
    {
        var names = NameGenerators.BlobName.HashSet[40, 80].Single();
        var prefix = $"prop-{Guid.NewGuid():N}/";
        var contents = names.Select((name, i) => (Name: prefix + name, Content: Encoding.UTF8.GetBytes($"blob {i}: {name}"))).ToList();
        foreach (var (name, content) in contents)
        {
            var url = new Uri(BlobNames.Format(ServiceRoot(), azurite.Container.Name, name));
            await BlobCredentials.CreateClient(azurite.ConnectionString, url, new()).UploadAsync(BinaryData.FromBytes(content));
        }

        var listed = await new BlobContainerImageSource(azurite.Container, prefix).EnumerateAsync(CancellationToken.None).ToListAsync();
        var fetcher = new BlobImageFetcher(Options.Create(azurite.Options()), Options.Create(new FetchOptions()), UriPolicy.AllowAll(azurite.Endpoints));

        var byName = contents.ToDictionary(c => c.Name, c => c.Content, StringComparer.Ordinal);
        var listedNames = listed.Select(r => ImageUri.Parse(r.Uri, azurite.Endpoints).Blob!.BlobName).ToList();
        Assert.True(byName.Keys.Order(StringComparer.Ordinal).SequenceEqual(listedNames.Order(StringComparer.Ordinal)),
            $"uploaded but not listed: [{string.Join(" | ", byName.Keys.Except(listedNames))}]; listed but not uploaded: [{string.Join(" | ", listedNames.Except(byName.Keys))}]");
        Assert.Equal(contents.Count, listed.Select(r => r.Uri).Distinct(StringComparer.Ordinal).Count());
        foreach (var image in listed)
        {
            var parsed = ImageUri.Parse(image.Uri, azurite.Endpoints);
            Assert.Equal(image.Uri, parsed.Value);
            var fetched = await fetcher.FetchAsync(image.Uri, CancellationToken.None);
            Assert.Equal(byName[parsed.Blob!.BlobName], fetched.Data.ToArray());
        }
    }

    private Uri ServiceRoot()
    {
        var container = azurite.Container.Uri.AbsoluteUri.TrimEnd('/');
        return new Uri(container[..container.LastIndexOf('/')]);
    }

    private static FileImageFetcher FileFetcher() => new(Options.Create(new FetchOptions()), UriPolicy.AllowAll());

    private static string? TryUtf8(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
