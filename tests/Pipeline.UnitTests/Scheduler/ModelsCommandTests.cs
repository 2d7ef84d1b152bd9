using Pipeline.Common.Inference.Catalogue;
using Pipeline.Scheduler;
using Pipeline.Scheduler.Cli;
using Pipeline.UnitTests.Inference;

namespace Pipeline.UnitTests.Scheduler;

/// <summary><c>pipeline models</c> run in-process: neither command needs a service.</summary>
public sealed class ModelsCommandTests
{
    [Fact]
    public async Task Models_NoArguments_PrintsEveryCatalogueEntryWithItsColumns()
    {
        var (code, text) = await RunAsync("models");

        Assert.Equal(ExitCodes.Ok, code);
        var lines = text.Split('\n');
        Assert.StartsWith("name ", lines[0], StringComparison.Ordinal);
        foreach (var header in new[] { "input", "preprocessing", "layout", "width", "column" })
        {
            Assert.Contains(header, lines[0], StringComparison.Ordinal);
        }

        foreach (var entry in BackboneCatalogue.All)
        {
            Assert.Contains(lines, l => l.StartsWith(entry.Name + " ", StringComparison.Ordinal));
        }

        var nasnet = lines.Single(l => l.StartsWith("nasnetlarge ", StringComparison.Ordinal));
        Assert.Matches(@"331\s+squash 331\s+tf\s+NHWC\s+4032\s+halfvec\+bit", nasnet);
        var resnet = lines.Single(l => l.StartsWith("resnet50 ", StringComparison.Ordinal));
        Assert.Matches(@"224\s+squash 224\s+caffe \(BGR\)\s+NHWC\s+2048\s+halfvec", resnet);
    }

    [Fact]
    public async Task ModelsInspect_BundledModel_ReportsLayoutCutAndWidth()
    {
        var (code, text) = await RunAsync("models", "inspect", BundledModel.Path);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains($"sha256   {BundledModel.Sha256}", text, StringComparison.Ordinal);
        Assert.Contains("input    input: float [batch_size, 3, 224, 224]", text, StringComparison.Ordinal);
        Assert.Contains("output   output: float [batch_size, 1000]", text, StringComparison.Ordinal);
        Assert.Contains("layout   NCHW", text, StringComparison.Ordinal);
        Assert.Contains("cut before GlobalAveragePool_97_quant (com.microsoft.QLinearGlobalAveragePool); removed 9 nodes", text, StringComparison.Ordinal);
        Assert.Contains("width    1280 (warm-up at 224×224); stored as vector", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsInspect_SymbolicNhwcFlattenHead_UsesTheGivenSizeAndFindsTheFlatten()
    {
        using var file = new TempModelFile(SyntheticHeads.NhwcTransposeReshapeMatMulHead());

        var (code, text) = await RunAsync("models", "inspect", file.Path);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("layout   NHWC", text, StringComparison.Ordinal);
        Assert.Contains("cut before flat_Reshape (Reshape)", text, StringComparison.Ordinal);
        Assert.Contains($"width    {SyntheticClassifiers.Channels} (warm-up at 2×2)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsInspect_NoHeadAndRank3Output_ExplainsAndExitsWithError()
    {
        using var file = new TempModelFile(SyntheticClassifiers.Rank3Output());

        var (code, text) = await RunAsync("models", "inspect", file.Path);

        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("head     not found: Cannot find the classifier head", text, StringComparison.Ordinal);
        Assert.Contains("width    unknown", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsInspect_MissingFile_IsAUsageError()
    {
        var (code, text) = await RunAsync("models", "inspect", "/nonexistent/model.onnx");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("no such file", text, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Text)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var code = await SchedulerCli.Build(output).Parse(args).InvokeAsync();
        return (code, output.ToString());
    }
}
