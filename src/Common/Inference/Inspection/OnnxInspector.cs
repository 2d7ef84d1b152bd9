using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference.Onnx;

namespace Pipeline.Common.Inference.Inspection;

/// <summary>Describes an ONNX file the way the worker would use it: inputs, outputs, layout, the head cut and the width.</summary>
public static class OnnxInspector
{
    /// <param name="fallbackInputSize">Warm-up side when the input's spatial dims are symbolic.</param>
    public static OnnxInspection Inspect(string path, int fallbackInputSize = 224)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = OnnxFile.Read(path);
        var model = file.Model;
        var graph = model.Graph ?? throw new InvalidDataException($"{path} holds no ONNX graph.");
        var initializers = graph.Initializer.Select(t => t.Name)
            .Concat(graph.SparseInitializer.Select(t => t.Values?.Name ?? string.Empty))
            .ToHashSet(StringComparer.Ordinal);
        var imageInput = graph.Input.FirstOrDefault(i => !initializers.Contains(i.Name));
        var layout = InputLayout.Detect(imageInput?.Type?.TensorType?.Shape);

        HeadCut? cut = null;
        string? cutError = null;
        try
        {
            cut = HeadRemover.Remove(model.Clone());
        }
        catch (NotSupportedException ex)
        {
            cutError = ex.Message;
        }

        var size = StaticSide(imageInput, layout) ?? fallbackInputSize;
        var (width, widthError) = cut is null ? (null, cutError) : MeasureWidth(path, size, layout);
        return new OnnxInspection(
            Path.GetFullPath(path),
            file.WeightsSha256,
            [.. graph.Input.Where(i => !initializers.Contains(i.Name)).Select(Describe)],
            [.. graph.Output.Select(Describe)],
            layout,
            cut,
            cutError,
            size,
            width,
            widthError);
    }

    // The backbone's own load: cut, session, a warm-up run; the width is what really comes out.
    private static (int? Width, string? Error) MeasureWidth(string path, int size, TensorLayout? layout)
    {
        var spec = new ModelSpec(
            "inspect", path, null, new PreprocessSpec(size, size, ResizePolicy.Squash, PreprocessMode.Raw, layout ?? TensorLayout.Nchw), PoolingMode.Avg)
        {
            LayoutFromModel = true,
        };
        try
        {
            using var backbone = Backbone.Load(spec);
            return (backbone.Width, null);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidDataException or InvalidOperationException or OnnxRuntimeException)
        {
            return (null, ex.Message);
        }
    }

    private static int? StaticSide(ValueInfoProto? input, TensorLayout? layout)
    {
        var dims = input?.Type?.TensorType?.Shape?.Dim;
        if (dims is not { Count: 4 })
        {
            return null;
        }

        var (h, w) = layout == TensorLayout.Nhwc ? (dims[1], dims[2]) : (dims[2], dims[3]);
        return h.HasDimValue && w.HasDimValue && h.DimValue == w.DimValue && h.DimValue > 0 ? checked((int)h.DimValue) : null;
    }

    private static OnnxValueInfo Describe(ValueInfoProto value)
    {
        var tensor = value.Type?.TensorType;
        var type = tensor is null || !tensor.HasElemType
            ? "?"
            : ((TensorProto.Types.DataType)tensor.ElemType).ToString().ToLowerInvariant();
        var dims = tensor?.Shape?.Dim.Select(d => d.HasDimValue
            ? d.DimValue.ToString(CultureInfo.InvariantCulture)
            : d.HasDimParam ? d.DimParam : "?");
        return new OnnxValueInfo(value.Name, type, dims is null ? "(unknown)" : $"[{string.Join(", ", dims)}]");
    }
}
