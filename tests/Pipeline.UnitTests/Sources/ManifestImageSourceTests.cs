using System.Text;
using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

public sealed class ManifestImageSourceTests : IDisposable
{
    private const string Sha = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("list.txt", ManifestFormat.Text)]
    [InlineData("list", ManifestFormat.Text)]
    [InlineData("list.CSV", ManifestFormat.Csv)]
    [InlineData("list.jsonl", ManifestFormat.JsonLines)]
    [InlineData("list.ndjson", ManifestFormat.JsonLines)]
    public void Format_Extension_IsDetected(string name, ManifestFormat expected)
    {
        Assert.Equal(expected, ManifestImageSource.DetectFormat(name));
    }

    [Fact]
    public async Task ListAsync_TextManifest_SkipsBlanksAndCommentsAndResolvesPathsAgainstItsFolder()
    {
        var path = _dir.File("sets/list.txt", """
            # photos for the demo

              a.jpg
            sub/b.png
            /abs/c.jpg
            https://example.com/d.jpg?x=1
            https://acct.blob.core.windows.net/c/e.jpg
               # indented comment
            ftp://nope/f.jpg
            """);
        var folder = Path.GetDirectoryName(path)!;

        var refs = await SourceTestHelpers.ReadAllAsync(new ManifestImageSource(path));

        Assert.Equal(
            [
                new Uri(Path.Combine(folder, "a.jpg")).AbsoluteUri,
                new Uri(Path.Combine(folder, "sub/b.png")).AbsoluteUri,
                "file:///abs/c.jpg",
                "https://example.com/d.jpg?x=1",
                "https://acct.blob.core.windows.net/c/e.jpg",
                "ftp://nope/f.jpg", // kept verbatim: the URI policy refuses it
            ],
            refs.Select(r => r.Uri));
        Assert.All(refs, r => Assert.Null(r.ContentId));
    }

    [Fact]
    public async Task EnumerateAsync_TextNamesStartingWithHash_AreFilesAndOnlyHashSpaceLinesAreComments()
    {
        var path = _dir.File("sets/list.txt", "#1.jpg\n#\n# a comment\n#\tanother\n#hash#.jpg\n./# spaced.jpg\nfile:/abs/photo.jpg\nfile://localhost/abs/%23x.jpg\n");
        var folder = Path.GetDirectoryName(path)!;

        var refs = await SourceTestHelpers.ReadAllAsync(new ManifestImageSource(path));

        Assert.Equal(
            [
                FileUris.Format(Path.Combine(folder, "#1.jpg")),
                FileUris.Format(Path.Combine(folder, "#hash#.jpg")),
                FileUris.Format(Path.Combine(folder, "# spaced.jpg")),
                "file:///abs/photo.jpg",
                "file:///abs/%23x.jpg",
            ],
            refs.Select(r => r.Uri));
    }

    [Theory]
    [InlineData("#", true)]
    [InlineData("# note", true)]
    [InlineData("#\tnote", true)]
    [InlineData("#1.jpg", false)]
    [InlineData("#note", false)]
    public void IsComment_Lines_OnlyHashAloneOrHashThenBlank(string line, bool expected)
    {
        Assert.Equal(expected, ManifestImageSource.IsComment(line));
    }

    [Fact]
    public async Task EnumerateAsync_PathWithDotDot_IsKeptVerbatimForThePolicyToRefuse()
    {
        var path = _dir.File("sets/list.txt", "../../etc/passwd\nfile:///data/../etc/shadow\nok.jpg\n");

        var refs = await SourceTestHelpers.ReadAllAsync(new ManifestImageSource(path));

        Assert.Equal("../../etc/passwd", refs[0].Uri);
        Assert.Equal("file:///data/../etc/shadow", refs[1].Uri);
        Assert.StartsWith("file:///", refs[2].Uri, StringComparison.Ordinal);
        Assert.All(refs[..2], r => Assert.Equal(
            FailureReason.Refused, Assert.Throws<ImageFailureException>(() => UriPolicy.AllowAll().Check(r.Uri)).Reason));
    }

    [Fact]
    public async Task ListAsync_TextManifest_ClassifiesWithTheGivenBlobEndpoints()
    {
        var path = _dir.File("list.txt", "http://127.0.0.1:10000/devstoreaccount1/c/a%20b.jpg\n");

        var source = new ManifestImageSource(path, blobEndpoints: BlobEndpoints.FromConnectionString("UseDevelopmentStorage=true"));
        var single = Assert.Single(await SourceTestHelpers.ReadAllAsync(source));

        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1/c/a%20b.jpg", single.Uri);
    }

    [Fact]
    public async Task ListAsync_CsvManifest_ReadsQuotedFieldsAndIdentityColumns()
    {
        var path = _dir.File("list.csv", "\uFEFFid, URI ,Content_Id,etag,sha256\n"
            + "1,\"https://example.com/a,b.jpg\",,,\n"
            + "2,\"https://example.com/say \"\"hi\"\".jpg\",,\"\"\"0x8DC\"\"\",\n"
            + "\n"
            + $"3,rel/c.jpg,,,{Sha}\n"
            + "4,https://example.com/d.jpg,custom:42,ignored,\n"
            + "5,https://example.com/e.jpg,\"multi\nline, id\",,\n"
            + "6,https://example.com/last.jpg,,,");

        var refs = await SourceTestHelpers.ReadAllAsync(new ManifestImageSource(path));

        Assert.Equal(6, refs.Count);
        Assert.Equal(new ImageRef("https://example.com/a,b.jpg", null), refs[0]);
        Assert.Equal(new ImageRef(new Uri("https://example.com/say \"hi\".jpg").AbsoluteUri, "etag:0x8DC"), refs[1]);
        Assert.Equal(new ImageRef(new Uri(Path.Combine(_dir.Path, "rel/c.jpg")).AbsoluteUri, "sha256:" + Sha.ToLowerInvariant()), refs[2]);
        Assert.Equal("custom:42", refs[3].ContentId);
        Assert.Equal(new ImageRef("https://example.com/e.jpg", "multi\nline, id"), refs[4]);
        Assert.Equal("https://example.com/last.jpg", refs[5].Uri);
    }

    [Theory]
    [InlineData("id,path\n1,a.jpg\n", 1, "no 'uri' column")]
    [InlineData("uri,etag\na.jpg,1\nb.jpg\n", 3, "1 fields where the header has 2")]
    [InlineData("uri\nhttps://example.com/a,b.jpg\n", 2, "2 fields where the header has 1")]
    [InlineData("uri\n\"a.jpg\"x\n", 2, "after a closing quote")]
    [InlineData("uri\n\n\"a.jpg\nb.jpg\n", 3, "never closed")]
    [InlineData("uri,etag\n  ,1\n", 2, "uri field is empty")]
    [InlineData("uri,sha256\na.jpg,abc\n", 2, "64 hex digits")]
    public async Task ListAsync_MalformedCsv_ThrowsWithTheLineNumber(string content, long line, string problem)
    {
        var path = _dir.File("bad.csv", content);

        var ex = await Assert.ThrowsAsync<ManifestFormatException>(() => SourceTestHelpers.ReadAllAsync(new ManifestImageSource(path)));

        Assert.Equal(line, ex.LineNumber);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_CsvWithAnUnbalancedQuote_StopsAtTheRecordLimit()
    {
        var path = _dir.File("bad.csv", "uri\n\"a.jpg\n" + string.Concat(Enumerable.Repeat("b.jpg\n", 20_000)));

        var ex = await Assert.ThrowsAsync<ManifestFormatException>(() => SourceTestHelpers.ReadAllAsync(new ManifestImageSource(path)));

        Assert.Equal(2, ex.LineNumber);
    }

    [Fact]
    public async Task ListAsync_JsonLinesManifest_ReadsUriAndIdentity()
    {
        var path = _dir.File("list.jsonl", $$"""
            {"uri": "https://example.com/a.jpg"}

            {"uri": "b.jpg", "etag": "\"0x1\"", "extra": [1, 2]}
            {"uri": "https://example.com/c.jpg", "sha256": "{{Sha}}", "etag": null}
            {"content_id": "stat:1:2", "uri": " https://example.com/d.jpg "}
            """);

        var refs = await SourceTestHelpers.ReadAllAsync(new ManifestImageSource(path));

        Assert.Equal(
            [
                new ImageRef("https://example.com/a.jpg", null),
                new ImageRef(new Uri(Path.Combine(_dir.Path, "b.jpg")).AbsoluteUri, "etag:0x1"),
                new ImageRef("https://example.com/c.jpg", "sha256:" + Sha.ToLowerInvariant()),
                new ImageRef("https://example.com/d.jpg", "stat:1:2"),
            ],
            refs);
    }

    [Theory]
    [InlineData("{\"uri\": \"a.jpg\"}\n{\"uri\": \"b.jpg\"\n", 2, "not valid JSON")]
    [InlineData("[\"a.jpg\"]\n", 1, "not a JSON object")]
    [InlineData("\n\n{\"url\": \"a.jpg\"}\n", 3, "\"uri\"")]
    [InlineData("{\"uri\": \"\"}\n", 1, "\"uri\"")]
    [InlineData("{\"uri\": 5}\n", 1, "\"uri\" must be a string")]
    [InlineData("{\"uri\": \"a.jpg\", \"etag\": 7}\n", 1, "\"etag\" must be a string")]
    public async Task ListAsync_MalformedJsonLines_ThrowWithTheLineNumber(string content, long line, string problem)
    {
        var path = _dir.File("bad.jsonl", content);

        var ex = await Assert.ThrowsAsync<ManifestFormatException>(() => SourceTestHelpers.ReadAllAsync(new ManifestImageSource(path)));

        Assert.Equal(line, ex.LineNumber);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Format_Override_WinsOverTheExtension()
    {
        var path = _dir.File("list.txt", "{\"uri\": \"https://example.com/a.jpg\"}\n");

        var refs = await SourceTestHelpers.ReadAllAsync(new ManifestImageSource(path, ManifestFormat.JsonLines));

        Assert.Equal("https://example.com/a.jpg", Assert.Single(refs).Uri);
    }

    [Fact]
    public async Task ListAsync_MissingManifest_ThrowsFileNotFound()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(() =>
            SourceTestHelpers.ReadAllAsync(new ManifestImageSource(Path.Combine(_dir.Path, "nope.txt"))));
    }

    [Theory]
    [InlineData(ManifestFormat.Text)]
    [InlineData(ManifestFormat.Csv)]
    [InlineData(ManifestFormat.JsonLines)]
    public async Task ListAsync_HundredThousandLines_Streams(ManifestFormat format)
    {
        const int Lines = 100_000;
        var text = new StringBuilder(format == ManifestFormat.Csv ? "uri,etag\n" : "");
        for (var i = 0; i < Lines; i++)
        {
            text.Append(format switch
            {
                ManifestFormat.Csv => $"https://example.com/img/{i}.jpg,\"0x{i:X}\"\n",
                ManifestFormat.JsonLines => $"{{\"uri\":\"https://example.com/img/{i}.jpg\",\"etag\":\"0x{i:X}\"}}\n",
                _ => $"https://example.com/img/{i}.jpg\n",
            });
        }
        var path = _dir.File("big.manifest", text.ToString());
        var total = new FileInfo(path).Length;
        CountingStream? stream = null;
        var source = new ManifestImageSource(p => stream = new CountingStream(File.OpenRead(p)), path, format, null);

        var count = 0;
        long readAtFirstItem = -1;
        await foreach (var image in source.EnumerateAsync(CancellationToken.None))
        {
            if (count == 0)
            {
                readAtFirstItem = stream!.BytesRead;
                Assert.Equal("https://example.com/img/0.jpg", image.Uri);
            }
            count++;
        }

        Assert.Equal(Lines, count);
        Assert.InRange(readAtFirstItem, 1, total / 20); // the first image came after reading < 5 % of the file
        Assert.Equal(total, stream!.BytesRead);
    }

    [Fact]
    public async Task ListAsync_MalformedLastLine_YieldsEveryImageBeforeIt()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 100_000; i++)
        {
            text.Append("{\"uri\":\"https://example.com/").Append(i).Append(".jpg\"}\n");
        }
        text.Append("{broken\n");
        var path = _dir.File("big.jsonl", text.ToString());

        var count = 0;
        var ex = await Assert.ThrowsAsync<ManifestFormatException>(async () =>
        {
            await foreach (var _ in new ManifestImageSource(path).EnumerateAsync(CancellationToken.None))
            {
                count++;
            }
        });

        Assert.Equal(100_000, count);
        Assert.Equal(100_001, ex.LineNumber);
    }
}
