namespace Pipeline.UnitTests.Architecture;

/// <summary>
/// Dependencies run one way (README "Architecture"): read from the compiled assemblies, so a cycle between folders or
/// a use against the layer order fails here, whichever file it was written in. No I/O beyond loading the assemblies.
/// </summary>
public sealed class DependencyDirectionTests
{
    /// <summary>Common: shared contracts, then the data's path (sources → decoding → inference → storage), messaging at the edge.</summary>
    internal static readonly DependencyRules Common = new(
        "Pipeline.Common",
        ["Pipeline.Common"],
        ["Pipeline.Common.Resilience"],
        ["Pipeline.Common.Sources"],
        ["Pipeline.Common.Decoding"],
        ["Pipeline.Common.Inference.Onnx"],
        ["Pipeline.Common.Inference.Catalogue"],
        ["Pipeline.Common.Inference"],
        ["Pipeline.Common.Inference.ModelFiles", "Pipeline.Common.Inference.Inspection"],
        ["Pipeline.Common.Storage"],
        ["Pipeline.Common.Messaging"],
        ["Pipeline.Common.Hosting"]);

    /// <summary>Worker: what every stage shares, the stages in the data's order, their pipeline, messaging at the edge.</summary>
    internal static readonly DependencyRules Worker = new(
        "Pipeline.Worker",
        ["Pipeline.Worker"],
        ["Pipeline.Worker.Observability"],
        ["Pipeline.Worker.Fetching"],
        ["Pipeline.Worker.Decoding"],
        ["Pipeline.Worker.Inference"],
        ["Pipeline.Worker.Storage"],
        ["Pipeline.Worker.Stages"],
        ["Pipeline.Worker.Messaging"],
        ["Pipeline.Worker.Hosting"]);

    /// <summary>Scheduler: options and exit codes, job status, independent commands, then the web UI and the command line over them.</summary>
    internal static readonly DependencyRules Scheduler = new(
        "Pipeline.Scheduler",
        ["Pipeline.Scheduler"],
        ["Pipeline.Scheduler.Status"],
        [
            "Pipeline.Scheduler.Duplicates", "Pipeline.Scheduler.Enqueueing", "Pipeline.Scheduler.Export", "Pipeline.Scheduler.Indexing",
            "Pipeline.Scheduler.Models", "Pipeline.Scheduler.Recovery", "Pipeline.Scheduler.Search",
        ],
        ["Pipeline.Scheduler.Hosting"],
        ["Pipeline.Scheduler.Serving.Pages"],
        ["Pipeline.Scheduler.Serving"],
        ["Pipeline.Scheduler.Cli"]);

    private static readonly Lazy<NamespaceGraph> Product = new(() => NamespaceGraph.Read(
        "Pipeline.",
        typeof(Pipeline.Common.FailureReason).Assembly.Location,
        typeof(Pipeline.Worker.WorkerOptions).Assembly.Location,
        typeof(Pipeline.Scheduler.SchedulerOptions).Assembly.Location));

    [Fact]
    public void Read_ProductAssemblies_FindsTheirNamespaces()
    {
        // Guards the tests below against passing on an empty graph.
        Assert.Contains("Pipeline.Common.Storage", Product.Value.Declared);
        Assert.Contains("Pipeline.Worker.Messaging", Product.Value.Declared);
        Assert.Contains("Pipeline.Scheduler.Serving.Pages", Product.Value.Declared);
        Assert.Contains(("Pipeline.Common.Storage", "Pipeline.Common.Inference"), Product.Value.Edges);
    }

    [Fact]
    public void Cycles_ProductNamespaces_None()
    {
        var cycles = Product.Value.Cycles();

        Assert.True(cycles.Count == 0, "Namespaces that depend on each other (each line one cycle; its edges below):\n" + Describe(cycles));
    }

    [Theory]
    [InlineData("Pipeline.Common")]
    [InlineData("Pipeline.Worker")]
    [InlineData("Pipeline.Scheduler")]
    public void Violations_LayerTable_None(string assembly)
    {
        var rules = new[] { Common, Worker, Scheduler }.Single(r => r.Assembly == assembly);

        var violations = rules.Violations(Product.Value);

        Assert.True(violations.Count == 0, $"{assembly} breaks its layer table:\n" + string.Join('\n', violations));
    }

    private static string Describe(IReadOnlyList<IReadOnlyList<string>> cycles)
    {
        var graph = Product.Value;
        return string.Join('\n', cycles.Select(cycle => string.Join(" ⇄ ", cycle) + "\n" + string.Join('\n',
            graph.Edges.Where(e => cycle.Contains(e.From) && cycle.Contains(e.To)).Select(e => $"  {e.From} → {e.To}: {graph.Evidence(e.From, e.To)}"))));
    }
}
