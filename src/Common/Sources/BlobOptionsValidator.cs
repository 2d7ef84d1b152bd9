using Microsoft.Extensions.Options;

namespace Pipeline.Common.Sources;

/// <summary>Rejects <see cref="BlobOptions"/> that would misbehave at run time; register for ValidateOnStart.</summary>
public sealed class BlobOptionsValidator : IValidateOptions<BlobOptions>
{
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, BlobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = [];
        if (options.ConnectionString is { } connectionString && !IsParsable(connectionString))
        {
            // The text itself is a secret: name the setting, never echo it.
            failures.Add("Blob:ConnectionString is not a valid Azure Storage connection string.");
        }
        if (options.ServiceVersion is { } version && !Enum.IsDefined(version))
        {
            failures.Add("Blob:ServiceVersion is not a version this SDK knows.");
        }
        if (options.MaxRetries is < 0 or > 20)
        {
            failures.Add("Blob:MaxRetries must be between 0 and 20.");
        }
        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > MaxDuration)
        {
            failures.Add("Blob:RetryDelay must be between zero and one day.");
        }
        if (options.MaxRetryDelay < options.RetryDelay || options.MaxRetryDelay > MaxDuration)
        {
            failures.Add("Blob:MaxRetryDelay must be at least Blob:RetryDelay and at most one day.");
        }
        if (options.NetworkTimeout <= TimeSpan.Zero || options.NetworkTimeout > MaxDuration)
        {
            failures.Add("Blob:NetworkTimeout must be positive and at most one day.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>For callers outside dependency injection: the same checks, thrown.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static void ThrowIfInvalid(BlobOptions options)
    {
        var result = new BlobOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(BlobOptions), result.Failures);
        }
    }

    private static bool IsParsable(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }
        try
        {
            _ = BlobEndpoints.FromConnectionString(connectionString);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
