namespace Pipeline.Common.Inference.Onnx;

/// <summary>Lookups over one graph: who produces a value, its declared type, constant contents.</summary>
/// <remarks>A snapshot: build a new one after editing the graph if the edit matters to later lookups.</remarks>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, int> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ValueInfoProto> _valueInfos = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sparseInitializers = new(StringComparer.Ordinal);

    public GraphIndex(GraphProto graph)
    {
        Graph = graph;
        for (var i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            _names.Add(node.Name);
            foreach (var output in node.Output)
            {
                _producers[output] = i;
                _names.Add(output);
            }
        }

        foreach (var tensor in graph.Initializer)
        {
            _initializers[tensor.Name] = tensor;
            _names.Add(tensor.Name);
        }

        // Constants too, though stored as (indices, values): their contents are never read here.
        foreach (var sparse in graph.SparseInitializer)
        {
            _sparseInitializers.Add(sparse.Values?.Name ?? string.Empty);
            _names.Add(sparse.Values?.Name ?? string.Empty);
        }

        foreach (var info in graph.ValueInfo.Concat(graph.Output).Concat(graph.Input))
        {
            _valueInfos[info.Name] = info;
            _names.Add(info.Name);
        }
    }

    public GraphProto Graph { get; }

    public NodeProto? ProducerOf(string value) =>
        _producers.TryGetValue(value, out var i) ? Graph.Node[i] : null;

    public IEnumerable<NodeProto> ConsumersOf(string value) => Graph.Node.Where(n => n.Input.Contains(value));

    public bool IsNameTaken(string name) => _names.Contains(name);

    /// <summary><paramref name="wanted"/>, or it with a numeric suffix, unused so far; reserved so later calls avoid it too.</summary>
    public string NewName(string wanted)
    {
        var name = wanted;
        for (var i = 1; !_names.Add(name); i++)
        {
            name = $"{wanted}_{i}";
        }

        return name;
    }

    public TypeProto.Types.Tensor? TensorTypeOf(string value) =>
        _valueInfos.TryGetValue(value, out var info) ? info.Type?.TensorType : null;

    /// <summary>The contents of an initializer or of a <c>Constant</c> node's output; null if not constant.</summary>
    public TensorProto? ConstantOf(string value)
    {
        if (_initializers.TryGetValue(value, out var tensor))
        {
            return tensor;
        }

        return ProducerOf(value) is { OpType: "Constant" } node ? NodeAttributes.Find(node, "value")?.T : null;
    }

    public bool IsConstant(string value) => ConstantOf(value) is not null || _sparseInitializers.Contains(value);

    /// <summary>The node's first input that is computed (not empty, not a constant): the data an elementwise op passes on.</summary>
    public string? FirstComputedInput(NodeProto node) =>
        node.Input.FirstOrDefault(i => !string.IsNullOrEmpty(i) && !IsConstant(i));

    /// <summary>The image input: the first graph input that is not an initializer (dense or sparse).</summary>
    public ValueInfoProto? ImageInput =>
        Graph.Input.FirstOrDefault(i => !_initializers.ContainsKey(i.Name) && !_sparseInitializers.Contains(i.Name));

    /// <summary>Indices of every node the value depends on.</summary>
    public HashSet<int> AncestorsOf(string value)
    {
        var ancestors = new HashSet<int>();
        var pending = new Stack<string>([value]);
        while (pending.TryPop(out var current))
        {
            if (!_producers.TryGetValue(current, out var i) || !ancestors.Add(i))
            {
                continue;
            }

            foreach (var input in Graph.Node[i].Input)
            {
                pending.Push(input);
            }
        }

        return ancestors;
    }
}
