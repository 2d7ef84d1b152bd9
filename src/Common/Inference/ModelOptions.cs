using System.ComponentModel.DataAnnotations;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference.Catalogue;
using Pipeline.Common.Inference.Onnx;

namespace Pipeline.Common.Inference;

/// <summary>
/// Which backbone to run and how to feed it. Bound from the <c>Model</c> section. A catalogue entry (named by
/// <see cref="Backbone"/>, else by <see cref="Id"/>) supplies the defaults; every explicit setting overrides them.
/// The defaults are the bundled MobileNetV2 (ONNX Model Zoo, int8) with its torchvision-style preprocessing.
/// </summary>
public sealed class ModelOptions : IValidatableObject
{
    /// <summary>The settings section, <c>Model</c>.</summary>
    public const string SectionName = "Model";

    /// <summary>Id of the bundled model (MobileNetV2, ONNX Model Zoo, int8).</summary>
    public const string BundledId = "mobilenetv2";

    /// <summary>File name of the bundled model under <c>models/</c>.</summary>
    public const string BundledFile = "mobilenetv2-12-int8.onnx";

    /// <summary>Lower-case hex sha256 of the bundled model file, checked at every load.</summary>
    public const string BundledSha256 = "83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f";

    private const string IdPattern = "^[a-z][a-z0-9_]{0,39}$";

    /// <summary>Model id: names the queue and the table, so it is a plain identifier (<c>[a-z][a-z0-9_]{0,39}</c>). Default <c>mobilenetv2</c>.</summary>
    [Required, RegularExpression(IdPattern)]
    public string Id { get; set; } = BundledId;

    /// <summary>Catalogue entry (e.g. <c>resnet50</c>); <c>custom</c> uses none. Default none: the <see cref="Id"/> is looked up.</summary>
    public string? Backbone { get; set; }

    /// <summary>ONNX file: a local path, an http(s) URL or an Azure Blob URL; default none: the entry's shipped file (the bundled model next to the program).</summary>
    public string? Path { get; set; }

    /// <summary>Expected sha256 of the file (64 lowercase hex digits); checked at download and at load. Default none (the shipped file's own).</summary>
    [RegularExpression("^[0-9a-f]{64}$")]
    public string? Sha256 { get; set; }

    /// <summary>Where downloaded models are kept. Default none: <c>$XDG_CACHE_HOME/pipeline/models</c>, <c>~/.cache/…</c> or the temp folder.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Allow a plain <c>http://</c> model URL (a local mirror); weights are otherwise fetched over TLS only. Default off.</summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>
    /// PEM file of the CA (or CAs) that signed an https model server's certificate, when the system store does not
    /// trust it (a private mirror); the host name is still checked. Azure Blob downloads use the system store. Default none.
    /// </summary>
    public string? TlsCaFile { get; set; }

    /// <summary>Longest a model download may take. Default 30 min; 1 s to 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Square input side, in pixels. Default none: the entry's (224 without one); 8 to 2,048.</summary>
    [Range(8, 2048)]
    public int? InputSize { get; set; }

    /// <summary>Short side before the centre crop, in pixels; at least <see cref="InputSize"/>. Default none: the entry's (256 for 224); 8 to 4,096.</summary>
    [Range(8, 4096)]
    public int? ResizeShortSide { get; set; }

    /// <summary><c>ShortSideThenCenterCrop</c> or <c>Squash</c> (Keras <c>load_img</c>). Default none: the entry's.</summary>
    public ResizePolicy? Resize { get; set; }

    /// <summary><c>Caffe</c>, <c>Tf</c>, <c>Torch</c> or <c>Raw</c> (Keras <c>preprocess_input</c> modes). Default none: the entry's (<c>Torch</c> without one).</summary>
    public PreprocessMode? Preprocess { get; set; }

    /// <summary>
    /// <see cref="PreprocessFidelity.Fast"/> (default: OpenCV with reduced JPEG decoding) or <see cref="PreprocessFidelity.Exact"/>
    /// (full decode and Pillow's resampling as the entry's framework uses it, so vectors match Python-computed ones).
    /// </summary>
    public PreprocessFidelity Fidelity { get; set; } = PreprocessFidelity.Fast;

    /// <summary>Exact mode's squash filter: Keras <c>load_img</c>'s default <c>Nearest</c>, or <c>Bilinear</c>.</summary>
    public ResizeInterpolation Interpolation { get; set; } = ResizeInterpolation.Nearest;

    /// <summary>Input layout; empty: the one the model's input shape shows (else the entry's default).</summary>
    public TensorLayout? Layout { get; set; }

    /// <summary>Global pooling of the feature map: <c>Avg</c>, <c>Max</c> or <c>Gem</c>. Default <c>Avg</c>.</summary>
    public PoolingMode Pooling { get; set; } = PoolingMode.Avg;

    /// <summary>
    /// The file is already headless (<c>include_top=False</c>): no classifier to cut. Empty: the entry's (false but for
    /// entries whose file is a feature extractor). A classifier whose cut removes no learned layer, or leaves the class count
    /// as width, is refused unless this is set; a file set headless whose cut removes a learned layer is refused too.
    /// </summary>
    public bool? Headless { get; set; }

    /// <summary>GeM's exponent (with <see cref="PoolingMode.Gem"/>). Default 3; 1 to 32.</summary>
    [Range(1.0, 32.0)]
    public float GemP { get; set; } = GlobalPooling.DefaultGemP;

    /// <summary>Scale embeddings to unit length (on by default).</summary>
    public bool L2Normalize { get; set; } = true;

    /// <summary>Full (float32 <c>vector</c>) or Half (float16 <c>halfvec</c>) storage; Auto picks by width.</summary>
    public StoragePrecision StoragePrecision { get; set; } = StoragePrecision.Auto;

    /// <summary>Whether <paramref name="id"/> can name a model (its queue and table).</summary>
    public static bool IsValidId(string id) => System.Text.RegularExpressions.Regex.IsMatch(id, IdPattern);

    /// <summary>The catalogue entry the settings start from; null for a custom model.</summary>
    public BackboneEntry? CatalogueEntry => Backbone == BackboneCatalogue.Custom
        ? null
        : BackboneCatalogue.Find(string.IsNullOrEmpty(Backbone) ? Id : Backbone);

    /// <summary>The full spec; <see cref="ModelSpec.Path"/> is still a URL for a remote model (see <c>ModelFileCache</c>).</summary>
    /// <exception cref="InvalidOperationException">No <see cref="Path"/> and no shipped file for this entry (<see cref="MissingModelFile"/>).</exception>
    public ModelSpec ToSpec()
    {
        var entry = CatalogueEntry;
        string path;
        string? sha;
        if (string.IsNullOrEmpty(Path))
        {
            var shipped = entry?.ShippedModel ?? throw new InvalidOperationException(MissingModelFile());
            path = shipped.FullPath;
            sha = Sha256 ?? shipped.Sha256;
        }
        else
        {
            path = ModelLocation.Parse(Path!).LocalPathOrUrl;
            sha = Sha256;
        }

        return new ModelSpec(Id, path, sha, ToPreprocessSpec(), Pooling)
        {
            GemP = GemP,
            L2Normalize = L2Normalize,
            LayoutFromModel = Layout is null,
            // The entry's preprocessing is only right for the export it describes: a file of the other layout (a
            // torch.onnx export of a Keras family) must come with its own Preprocess (and Resize) settings.
            EntryLayout = Layout is null && Preprocess is null ? entry?.Layout : null,
            Entry = entry?.Name,
            Headless = Headless ?? entry?.Headless ?? false,
            // The entry's preprocessing graph belongs to its preprocessing: an explicit Preprocess replaces both.
            PreprocessingGraph = Preprocess is null ? entry?.ShippedModel?.PreprocessingFullPath : null,
            PreprocessingGraphSha256 = Preprocess is null ? entry?.ShippedModel?.PreprocessingSha256 : null,
            ExpectedWidth = entry?.Width,
        };
    }

    /// <summary>
    /// Why these settings name no model file, or null when they do: a shipped file (the bundled MobileNetV2) serves only
    /// its own catalogue entry, so any other id or backbone needs <see cref="Path"/>. Checked by the worker at start-up.
    /// </summary>
    public string? MissingModelFile()
    {
        if (!string.IsNullOrEmpty(Path))
        {
            return null;
        }

        var entry = CatalogueEntry;
        if (entry?.ShippedModel is not null)
        {
            return null;
        }

        var shipped = string.Join(", ", BackboneCatalogue.All.Where(e => e.ShippedModel is not null).Select(e => e.Name));
        return entry is null
            ? $"Model '{Id}' names no catalogue entry and Model:Path is empty: set Model:Path to its ONNX file (and Model:Backbone to its " +
              $"catalogue entry, or '{BackboneCatalogue.Custom}'). Only these entries come with a model file: {shipped}."
            : $"Model '{Id}' (catalogue entry '{entry.Name}', {entry.Family}) has no model file: set Model:Path to its ONNX export. " +
              $"The files that come with the programs serve only their own entries ({shipped}), never another model's id.";
    }

    /// <summary>Explicit settings first, then the catalogue entry's, then torchvision's 224/256 crop in torch mode, NCHW.</summary>
    public PreprocessSpec ToPreprocessSpec()
    {
        var entry = CatalogueEntry;
        var size = InputSize ?? entry?.InputSize ?? 224;
        var shortSide = ResizeShortSide
            ?? (InputSize is null && entry is not null ? entry.ResizeShortSide : BackboneEntry.ShortSideFor(size));
        return new PreprocessSpec(
            size,
            shortSide,
            Resize ?? entry?.Resize ?? ResizePolicy.ShortSideThenCenterCrop,
            Preprocess ?? entry?.Mode ?? PreprocessMode.Torch,
            Layout ?? entry?.Layout ?? TensorLayout.Nchw)
        {
            Fidelity = Fidelity,
            Interpolation = Interpolation,
        };
    }

    /// <summary>Cross-field rules, run by the source-generated validator at start-up.</summary>
    /// <param name="validationContext">The options instance's validation context.</param>
    /// <returns>One result per broken rule, naming the settings involved.</returns>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(Backbone) && Backbone != BackboneCatalogue.Custom && BackboneCatalogue.Find(Backbone) is null)
        {
            yield return new ValidationResult(
                $"Backbone '{Backbone}' is not in the catalogue ({string.Join(", ", BackboneCatalogue.All.Select(e => e.Name))}, or '{BackboneCatalogue.Custom}').",
                [nameof(Backbone)]);
        }

        if (!string.IsNullOrEmpty(Path) && ModelLocation.Validate(Path) is { } problem)
        {
            yield return new ValidationResult(problem, [nameof(Path)]);
        }

        if (!string.IsNullOrEmpty(TlsCaFile) && !File.Exists(TlsCaFile))
        {
            yield return new ValidationResult($"Model:TlsCaFile: file {TlsCaFile} not found.", [nameof(TlsCaFile)]);
        }

        var spec = ToPreprocessSpec();
        if (spec.Resize == ResizePolicy.ShortSideThenCenterCrop && spec.ResizeShortSide < spec.InputSize)
        {
            yield return new ValidationResult(
                $"ResizeShortSide {spec.ResizeShortSide} is smaller than InputSize {spec.InputSize}: nothing to crop.",
                [nameof(ResizeShortSide), nameof(InputSize)]);
        }
    }
}
