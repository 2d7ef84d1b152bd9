namespace Pipeline.UnitTests.Sources;

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("pipeline-sources-").FullName;
    }

    public string Path { get; }

    /// <summary>Writes a file (creating folders) and returns its absolute path.</summary>
    public string File(string relativePath, string content = "x") => File(relativePath, System.Text.Encoding.UTF8.GetBytes(content));

    public string File(string relativePath, byte[] content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllBytes(full, content);
        return full;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
