namespace Pipeline.UnitTests.Architecture;

/// <summary>The checker itself: it finds planted cycles and edges against the table, and nothing in a clean graph.</summary>
public sealed class DependencyCheckTests
{
    private const string Planted = "Pipeline.UnitTests.Architecture.Planted";

    [Fact]
    public void Cycles_HandBuiltGraph_ListsEachStronglyConnectedComponent()
    {
        var graph = new NamespaceGraph();
        graph.Add("A", "B", "A1 → B1");
        graph.Add("B", "C", "B1 → C1");
        graph.Add("C", "A", "C1 → A1");
        graph.Add("D", "A", "D1 → A1"); // into the cycle, not part of it
        graph.Add("E", "F", "E1 → F1");
        graph.Add("F", "E", "F1 → E1");
        graph.Add("G", "G", "G1 → G2"); // within one namespace: no edge

        var cycles = graph.Cycles();

        Assert.Equal(2, cycles.Count);
        Assert.Contains(cycles, c => c.SequenceEqual(["A", "B", "C"]));
        Assert.Contains(cycles, c => c.SequenceEqual(["E", "F"]));
    }

    [Fact]
    public void Cycles_HandBuiltDag_None()
    {
        var graph = new NamespaceGraph();
        graph.Add("Hosting", "Messaging", "x");
        graph.Add("Hosting", "Storage", "x");
        graph.Add("Messaging", "Storage", "x");
        graph.Add("Storage", "Contracts", "x");
        graph.Add("Messaging", "Contracts", "x");

        Assert.Empty(graph.Cycles());
    }

    [Fact]
    public void Read_PlantedCycleInIl_FindsItWithTheTypesThatMakeIt()
    {
        var graph = NamespaceGraph.Read(Planted, typeof(DependencyCheckTests).Assembly.Location);

        var cycle = Assert.Single(graph.Cycles());
        Assert.Equal([Planted + ".Downstream", Planted + ".Upstream"], cycle);
        Assert.Equal("PlantedReader → PlantedRecord", graph.Evidence(Planted + ".Upstream", Planted + ".Downstream"));
        Assert.Equal("PlantedRecord → PlantedReader", graph.Evidence(Planted + ".Downstream", Planted + ".Upstream"));
    }

    [Fact]
    public void Violations_PlantedUpwardEdge_NamesItAndItsTypes()
    {
        var graph = NamespaceGraph.Read(Planted, typeof(DependencyCheckTests).Assembly.Location);
        var rules = new DependencyRules(Planted, [Planted + ".Downstream"], [Planted + ".Upstream"]);

        var violation = Assert.Single(rules.Violations(graph));

        Assert.Equal($"{Planted}.Downstream → {Planted}.Upstream (upwards): PlantedRecord → PlantedReader", violation);
    }

    [Fact]
    public void Violations_SameLayerAndUnplacedNamespace_BothReported()
    {
        var graph = new NamespaceGraph();
        graph.Add("P.Sources", "P.Decoding", "ImageRef → PreprocessSpec");
        graph.Add("P.Extra", "P.Sources", "Extra → ImageRef");
        var rules = new DependencyRules("P", ["P.Sources", "P.Decoding"]);

        var violations = rules.Violations(graph);

        Assert.Equal(
            ["P.Extra is in no layer of the P table: place it", "P.Sources → P.Decoding (same layer): ImageRef → PreprocessSpec"],
            violations);
    }
}
