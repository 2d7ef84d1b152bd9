using System.Globalization;
using System.Text;
using Pipeline.Common;
using Pipeline.Common.Inference.Inspection;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Models;

/// <summary>An <see cref="OnnxInspection"/> as the text <c>pipeline models inspect</c> prints.</summary>
internal static class InspectionText
{
    public static string Render(OnnxInspection inspection)
    {
        ArgumentNullException.ThrowIfNull(inspection);
        var text = new StringBuilder();
        Line(text, $"file     {inspection.Path}");
        Line(text, $"sha256   {inspection.Sha256}");
        foreach (var input in inspection.Inputs)
        {
            Line(text, $"input    {input.Name}: {input.ElementType} {input.Shape}");
        }

        foreach (var output in inspection.Outputs)
        {
            Line(text, $"output   {output.Name}: {output.ElementType} {output.Shape}");
        }

        Line(text, $"layout   {inspection.Layout?.ToString().ToUpperInvariant() ?? "not shown by the input shape (set Model:Layout)"}");
        Line(text, $"head     {inspection.Cut?.Describe() ?? "not found: " + inspection.CutError}");
        if (inspection.Width is { } width)
        {
            Line(text, $"width    {width} (warm-up at {inspection.InputSize}×{inspection.InputSize}); stored as {Storage(width)}");
        }
        else
        {
            Line(text, $"width    unknown: {inspection.WidthError}");
        }

        return text.ToString();
    }

    private static string Storage(int width)
    {
        try
        {
            return VectorStorage.For(width, StoragePrecision.Auto).Describe();
        }
        catch (NotSupportedException ex)
        {
            return ex.Message;
        }
    }

    private static void Line(StringBuilder text, FormattableString line) =>
        text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
}
