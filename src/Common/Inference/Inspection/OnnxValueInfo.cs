namespace Pipeline.Common.Inference.Inspection;

/// <summary>A graph input or output as declared: name, element type and shape (symbols and unknowns as text).</summary>
/// <param name="Shape">e.g. <c>[batch, 3, 224, 224]</c>; <c>?</c> marks an unnamed unknown dimension.</param>
public sealed record OnnxValueInfo(string Name, string ElementType, string Shape);
