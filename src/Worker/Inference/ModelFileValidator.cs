using Microsoft.Extensions.Options;
using Pipeline.Common.Inference;

namespace Pipeline.Worker.Inference;

/// <summary>
/// The worker must know which file to run before it starts: a model id or backbone other than the shipped ones, with no
/// <c>Model:Path</c>, is refused at start-up (see <see cref="ModelOptions.MissingModelFile"/>) instead of running another
/// model's weights under its name. The scheduler does not check this: it only queues by id.
/// </summary>
internal sealed class ModelFileValidator : IValidateOptions<ModelOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelOptions options) =>
        options.MissingModelFile() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
