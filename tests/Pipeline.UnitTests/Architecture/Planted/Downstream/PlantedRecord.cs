using Pipeline.UnitTests.Architecture.Planted.Upstream;

namespace Pipeline.UnitTests.Architecture.Planted.Downstream;

/// <summary>The other half of the planted cycle: uses Upstream only through <c>typeof</c> (a token in the IL).</summary>
internal static class PlantedRecord
{
    public static int Count => typeof(PlantedReader).Name.Length;
}
