namespace Pipeline.Common.Storage;

using System.Text.RegularExpressions;

/// <summary>What every stored vector carries: the model, its exact weights, preprocessing and pooling.</summary>
public sealed partial record ModelIdentity(string ModelId, string WeightsSha256, string Preprocessing, string Pooling, int Dims)
{
    /// <summary>Model ids become table names, so only a safe identifier subset is accepted.</summary>
    public static void ValidateId(string modelId)
    {
        if (!IdPattern().IsMatch(modelId))
        {
            throw new ArgumentException(
                $"model id '{modelId}' must match ^[a-z][a-z0-9_]{{0,39}}$ (it names the table)", nameof(modelId));
        }
    }

    public static string TableFor(string modelId)
    {
        ValidateId(modelId);
        return "embeddings_" + modelId;
    }

    public string Table => TableFor(ModelId);

    public string ColumnType => VectorColumnType.For(Dims);

    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$")]
    private static partial Regex IdPattern();
}
