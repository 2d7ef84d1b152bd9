namespace Pipeline.Common.Inference.Catalogue;

/// <summary>A model file that ships with the programs, so its catalogue entry works with no <c>Model:Path</c>.</summary>
/// <param name="RelativePath">Path under the program's folder (<see cref="AppContext.BaseDirectory"/>), '/'-separated.</param>
/// <param name="Sha256">The file's sha256 (lower-case hex), checked at load.</param>
/// <param name="Origin">Where the file comes from and its licence, for <c>pipeline models</c> and the README.</param>
public sealed record ShippedModel(string RelativePath, string Sha256, string Origin)
{
    /// <summary>The file's full path next to the running program.</summary>
    public string FullPath => Path.Combine(AppContext.BaseDirectory, RelativePath);
}
