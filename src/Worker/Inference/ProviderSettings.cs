namespace Pipeline.Worker.Inference;

/// <summary>One execution provider to append, with the option strings ONNX Runtime's provider options take.</summary>
internal sealed record ProviderSettings(ExecutionProvider Provider, IReadOnlyDictionary<string, string> Options);
