using Pipeline.Common;

namespace Pipeline.UnitTests.Common;

public sealed class ManagedHeapTests
{
    [Theory]
    [InlineData(16L * 1024 * 1024, true, "16 MiB (DOTNET_GCgen0size)")]
    [InlineData(80L * 1024 * 1024, false, "80 MiB (from the CPU cache)")]
    [InlineData(6_291_456L + 104_858, false, "6.1 MiB (from the CPU cache)")]
    [InlineData(null, true, "unknown")]
    [InlineData(0L, false, "unknown")]
    public void Describe_Budget_NamesSizeAndSource(long? bytes, bool variableSet, string expected) =>
        Assert.Equal(expected, ManagedHeap.Describe(bytes, variableSet));

    [Fact]
    public void Gen0Budget_AsTheRuntimeParsesIt_Is16MiB() =>
        Assert.Equal(16L * 1024 * 1024, Convert.ToInt64(ManagedHeap.Gen0Budget, 16));

    [Fact]
    public void CurrentGen0Budget_ThisProcess_IsReported() =>
        Assert.True(ManagedHeap.CurrentGen0Budget() > 0);
}
