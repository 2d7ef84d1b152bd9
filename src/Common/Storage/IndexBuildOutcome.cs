namespace Pipeline.Common.Storage;

/// <summary>What <see cref="EmbeddingIndex.EnsureAsync"/> did.</summary>
public enum IndexBuildOutcome
{
    /// <summary>No model of that id is registered (no worker has started with it).</summary>
    UnknownModel,

    /// <summary>A valid index was there already.</summary>
    AlreadyValid,

    /// <summary>Built now (it was missing, or INVALID after a cancelled build and dropped first).</summary>
    Built,

    /// <summary>Rebuilt now, the old index serving queries until the new one replaced it.</summary>
    Rebuilt,

    /// <summary>Another session holds the build lock (another worker builds); nothing done.</summary>
    BuildingElsewhere,
}
