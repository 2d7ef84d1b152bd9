using System.Text.RegularExpressions;
using Pipeline.Common.Inference;

namespace Pipeline.Common.Storage;

/// <summary>What every stored vector carries: the model, its exact weights, preprocessing and pooling.</summary>
/// <param name="Precision">How the vectors are stored; with <see cref="Dims"/> it fixes <see cref="Storage"/>.</param>
public sealed partial record ModelIdentity(
    string ModelId, string WeightsSha256, string Preprocessing, string Pooling, int Dims, StoragePrecision Precision = StoragePrecision.Auto)
{
    /// <summary>The identity of what <paramref name="backbone"/> embeds, stored at <paramref name="precision"/>.</summary>
    public static ModelIdentity Of(Backbone backbone, StoragePrecision precision)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        return new ModelIdentity(
            backbone.ModelId, backbone.WeightsSha256, backbone.Preprocess.Describe(), backbone.PoolingDescription, backbone.Width, precision);
    }

    /// <summary>Model ids become table names, so only a safe identifier subset is accepted.</summary>
    public static void ValidateId(string modelId)
    {
        if (!IdPattern().IsMatch(modelId))
        {
            throw new ArgumentException(
                $"model id '{modelId}' must match ^[a-z][a-z0-9_]{{0,39}}$ (it names the table)", nameof(modelId));
        }
    }

    /// <summary>Whether <paramref name="modelId"/> can name a table (see <see cref="ValidateId"/>).</summary>
    public static bool IsValidId(string? modelId) => modelId is not null && IdPattern().IsMatch(modelId);

    /// <summary>The embeddings table of <paramref name="modelId"/>: <c>embeddings_&lt;model&gt;</c>.</summary>
    /// <exception cref="ArgumentException">A model id that is no safe SQL identifier.</exception>
    public static string TableFor(string modelId)
    {
        ValidateId(modelId);
        return "embeddings_" + modelId;
    }

    /// <summary>The model's embeddings table.</summary>
    public string Table => TableFor(ModelId);

    /// <summary>The pgvector column type and precision vectors are stored with.</summary>
    public VectorStorage Storage => VectorStorage.For(Dims, Precision);

    /// <summary>The SQL column type, e.g. <c>vector(1280)</c> or <c>halfvec(1280)</c>.</summary>
    public string ColumnType => Storage.ColumnType;

    /// <summary>Whether vectors of both identities can share a table: same weights, preprocessing, pooling and storage.</summary>
    public bool IsCompatibleWith(ModelIdentity other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return this with { Precision = other.Precision } == other && Storage == other.Storage;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$")]
    private static partial Regex IdPattern();
}
