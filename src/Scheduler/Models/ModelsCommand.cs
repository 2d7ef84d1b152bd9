using System.CommandLine;
using Pipeline.Common.Inference.Catalogue;
using Pipeline.Common.Inference.Inspection;

namespace Pipeline.Scheduler.Models;

/// <summary><c>pipeline models</c> (the catalogue) and <c>pipeline models inspect FILE</c>; neither needs a service.</summary>
internal static class ModelsCommand
{
    public static Command Create(TextWriter output)
    {
        var inspect = InspectCommand(output);
        var command = new Command("models", "List the backbone catalogue: input, preprocessing, layout, pooled width, column type") { inspect };
        command.SetAction(async (_, cancellationToken) =>
        {
            await output.WriteAsync(CatalogueTable.Render(BackboneCatalogue.All).AsMemory(), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command InspectCommand(TextWriter output)
    {
        var file = new Argument<FileInfo>("file") { Description = "ONNX file (classifier or headless backbone)" };
        var size = new Option<int>("--input-size")
        {
            Description = "Square side for the warm-up run when the input's spatial dims are symbolic",
            DefaultValueFactory = _ => 224,
        };
        var command = new Command("inspect", "Describe an ONNX file: inputs, outputs, layout, the head that will be cut, the resulting width")
        {
            file, size,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetValue(file)!;
            if (!path.Exists)
            {
                await output.WriteLineAsync($"no such file: {path.FullName}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var inspection = OnnxInspector.Inspect(path.FullName, result.GetValue(size));
            await output.WriteAsync(InspectionText.Render(inspection).AsMemory(), cancellationToken).ConfigureAwait(false);
            return inspection.Width is null ? ExitCodes.Error : ExitCodes.Ok;
        });
        return command;
    }
}
