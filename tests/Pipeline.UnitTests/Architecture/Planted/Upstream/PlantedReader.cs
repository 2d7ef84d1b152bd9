using Pipeline.UnitTests.Architecture.Planted.Downstream;

namespace Pipeline.UnitTests.Architecture.Planted.Upstream;

/// <summary>Half of a planted cycle (<see cref="DependencyCheckTests"/>): uses Downstream only inside a method body.</summary>
internal static class PlantedReader
{
    public static int Read() => PlantedRecord.Count + 1;
}
