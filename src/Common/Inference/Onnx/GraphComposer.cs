namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// Puts a preprocessing graph in front of a model (what ONNX's <c>compose.merge_models</c> does for one edge): the
/// preprocessing graph's single output feeds the model's image input, and its input becomes the model's input. Its
/// names are prefixed so they cannot collide with the model's.
/// </summary>
internal static class GraphComposer
{
    private const string Prefix = "preprocess/";

    /// <exception cref="NotSupportedException">Either graph has not exactly one image input, or the preprocessing not one output.</exception>
    public static void Prepend(ModelProto model, ModelProto preprocessing)
    {
        var graph = model.Graph;
        var front = preprocessing.Graph;
        var modelInput = new GraphIndex(graph).ImageInput
            ?? throw new NotSupportedException("The model has no image input to put the preprocessing graph in front of.");
        var frontIndex = new GraphIndex(front);
        var frontInput = frontIndex.ImageInput
            ?? throw new NotSupportedException("The preprocessing graph has no input.");
        if (front.Output.Count != 1)
        {
            throw new NotSupportedException($"The preprocessing graph has {front.Output.Count} outputs; one expected.");
        }

        var frontOutput = front.Output[0].Name;
        string Rename(string name) => name.Length == 0 ? name : name == frontOutput ? modelInput.Name : Prefix + name;

        var nodes = front.Node.Select(n =>
        {
            var node = n.Clone();
            // Unnamed nodes stay unnamed (ONNX names are optional, but must be unique when given).
            node.Name = node.Name.Length == 0 ? node.Name : Prefix + node.Name;
            for (var i = 0; i < node.Input.Count; i++)
            {
                node.Input[i] = Rename(node.Input[i]);
            }

            for (var i = 0; i < node.Output.Count; i++)
            {
                node.Output[i] = Rename(node.Output[i]);
            }

            return node;
        }).ToList();
        nodes.AddRange(graph.Node);
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        graph.Initializer.AddRange(front.Initializer.Select(t =>
        {
            var tensor = t.Clone();
            tensor.Name = Rename(tensor.Name);
            return tensor;
        }));

        // The model's image input becomes an intermediate value; the preprocessing graph's input takes its place, first
        // (before IR 4, initializers are listed as inputs too).
        var input = frontInput.Clone();
        input.Name = Rename(input.Name);
        var position = graph.Input.IndexOf(modelInput);
        graph.Input.RemoveAt(position);
        graph.Input.Insert(0, input);
        graph.Input.AddRange(front.Input.Where(i => i != frontInput).Select(i =>
        {
            var value = i.Clone();
            value.Name = Rename(value.Name);
            return value;
        }));

        foreach (var import in preprocessing.OpsetImport)
        {
            var existing = model.OpsetImport.FirstOrDefault(o => o.Domain == import.Domain);
            if (existing is null)
            {
                model.OpsetImport.Add(import.Clone());
            }
            else if (existing.Version != import.Version)
            {
                throw new NotSupportedException(
                    $"The preprocessing graph uses opset {import.Version} of '{import.Domain}', the model {existing.Version}.");
            }
        }
    }
}
