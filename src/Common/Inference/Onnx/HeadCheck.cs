namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// Whether a head cut gave features rather than class scores. A classifier's cut removes at least one learned layer and
/// leaves features whose width is not the class count; when it does not, either the file is already headless (the user
/// says so: <c>Model:Headless=true</c>) or its classifier was not recognised, and its output would be stored as an
/// "embedding" of class scores. Never silently: the model is refused with the reason.
/// </summary>
internal static class HeadCheck
{
    /// <summary>Why <paramref name="cut"/> cannot be used as features, or null when it can.</summary>
    /// <param name="width">The pooled width the cut graph gives.</param>
    /// <param name="headless">What the settings say: true for an <c>include_top=False</c> export, false for a classifier.</param>
    public static string? Problem(HeadCut cut, int width, bool headless, string modelId)
    {
        var learned = cut.RemovedLearnedLayers;
        if (headless)
        {
            return learned.Count == 0
                ? null
                : $"Model '{modelId}' is configured as headless (Model:Headless=true), but its graph ends in a classifier: the cut " +
                  $"removed {string.Join(", ", learned)}. Set Model:Headless=false to cut it, or use the include_top=False export.";
        }

        if (learned.Count == 0)
        {
            var removed = cut.RemovedNodes.Count == 0 ? "nothing" : string.Join(", ", cut.RemovedNodes);
            return $"Model '{modelId}': the head cut removed no learned layer (removed: {removed}), so what comes out " +
                   $"({width} wide) would be the model's last layer as it stands. If the file is already headless " +
                   "(include_top=False), set Model:Headless=true; if it is a classifier, its head was not recognised " +
                   "(see `pipeline models inspect`).";
        }

        if (cut.Classes is { } classes && classes == width)
        {
            return $"Model '{modelId}' gives {width}-wide features, as many as its {classes} classes: the cut " +
                   $"({string.Join(", ", learned)} removed) most likely left a classifier layer in place. Check `pipeline models " +
                   "inspect`; if these really are features, set Model:Headless=true.";
        }

        return null;
    }
}
