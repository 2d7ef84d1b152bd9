using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

public sealed class RealPathsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Resolve_ChainOfRelativeAndAbsoluteLinks_GivesTheRealPath()
    {
        var real = Path.Combine(_dir.Path, "real", "photos");
        Directory.CreateDirectory(real);
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "b"), "real");
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "a"), Path.Combine(_dir.Path, "b"));

        Assert.Equal(real, RealPaths.Resolve(Path.Combine(_dir.Path, "a", "photos")));
        Assert.Equal(Path.Combine(real, "missing.jpg"), RealPaths.Resolve(Path.Combine(_dir.Path, "a", "photos", "missing.jpg")));
    }

    [Fact]
    public void Resolve_LinkLoop_Throws()
    {
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "x"), Path.Combine(_dir.Path, "y"));
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "y"), Path.Combine(_dir.Path, "x"));

        Assert.Throws<IOException>(() => RealPaths.Resolve(Path.Combine(_dir.Path, "x", "a.jpg")));
    }

    [Fact]
    public void OfHandle_OpenedThroughALink_GivesTheTarget()
    {
        var target = _dir.File("t/a.jpg", [1]);
        var link = Path.Combine(_dir.Path, "link.jpg");
        File.CreateSymbolicLink(link, target);

        using var handle = File.OpenHandle(link);

        Assert.Equal(target, RealPaths.OfHandle(handle));
    }
}
