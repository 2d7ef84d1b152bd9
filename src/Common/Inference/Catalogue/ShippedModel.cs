namespace Pipeline.Common.Inference.Catalogue;

/// <summary>A model file that ships with the programs, so its catalogue entry works with no <c>Model:Path</c>.</summary>
/// <param name="RelativePath">Path under the program's folder (<see cref="AppContext.BaseDirectory"/>), '/'-separated.</param>
/// <param name="Sha256">The file's sha256 (lower-case hex), checked at load.</param>
/// <param name="Origin">Where the file comes from and its licence, for <c>pipeline models</c> and the README.</param>
/// <param name="PreprocessingGraph">
/// An ONNX graph the file's publisher puts in front of it (path under the program's folder), merged in front of the
/// backbone at load; null when the model takes the preprocessed tensor itself.
/// </param>
/// <param name="PreprocessingSha256">The preprocessing graph's sha256, checked at load.</param>
public sealed record ShippedModel(
    string RelativePath, string Sha256, string Origin, string? PreprocessingGraph = null, string? PreprocessingSha256 = null)
{
    /// <summary>The file's full path next to the running program.</summary>
    public string FullPath => Path.Combine(AppContext.BaseDirectory, RelativePath);

    /// <summary>The preprocessing graph's full path next to the running program, or null.</summary>
    public string? PreprocessingFullPath => PreprocessingGraph is null ? null : Path.Combine(AppContext.BaseDirectory, PreprocessingGraph);
}
