using Microsoft.Extensions.Options;

namespace Pipeline.Common.Sources;

/// <summary>Rejects <see cref="FetchOptions"/> that would misbehave at run time; register for ValidateOnStart.</summary>
public sealed class FetchOptionsValidator : IValidateOptions<FetchOptions>
{
    // CancellationTokenSource timers take at most uint.MaxValue - 1 milliseconds; a day is plenty.
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, FetchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = [];
        if (options.MaxBytes <= 0 || options.MaxBytes > Array.MaxLength)
        {
            failures.Add($"Fetch:MaxBytes must be between 1 and {Array.MaxLength} (images are held in one array).");
        }
        if (options.HttpTimeout <= TimeSpan.Zero || options.HttpTimeout > MaxDuration)
        {
            failures.Add("Fetch:HttpTimeout must be positive and at most one day.");
        }
        if (options.HttpRetries is < 0 or > 10)
        {
            failures.Add("Fetch:HttpRetries must be between 0 and 10.");
        }
        if (options.HttpRetryDelay < TimeSpan.Zero || options.HttpRetryDelay > MaxDuration)
        {
            failures.Add("Fetch:HttpRetryDelay must be between zero and one day.");
        }
        if (options.HttpMaxRetryDelay < options.HttpRetryDelay || options.HttpMaxRetryDelay > MaxDuration)
        {
            failures.Add("Fetch:HttpMaxRetryDelay must be at least Fetch:HttpRetryDelay and at most one day.");
        }
        if (options.HttpMaxRedirects is < 0 or > 50)
        {
            failures.Add("Fetch:HttpMaxRedirects must be between 0 and 50.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>For callers outside dependency injection: the same checks, thrown.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static void ThrowIfInvalid(FetchOptions options)
    {
        var result = new FetchOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(FetchOptions), result.Failures);
        }
    }
}
