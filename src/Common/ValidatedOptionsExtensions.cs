using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Pipeline.Common;

/// <summary>
/// The one way the programs register a settings section: bound with <see cref="KnownSettingsExtensions.BindKnown{TOptions}"/>
/// (misspelt keys refused), validated by a <c>TValidator</c> (the options type's <c>[OptionsValidator]</c>
/// source-generated validator: its DataAnnotations ranges and its <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>
/// cross-field rules) and checked at start-up (<c>ValidateOnStart</c>), so a bad setting stops the program before any work.
/// </summary>
public static class ValidatedOptionsExtensions
{
    /// <summary>Binds section <paramref name="sectionName"/> of <paramref name="configuration"/> to <typeparamref name="TOptions"/>.</summary>
    /// <returns>The options builder, for a <c>PostConfigure</c>.</returns>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(
        this IServiceCollection services, IConfiguration configuration, string sectionName)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<IValidateOptions<TOptions>>(new SectionValidator<TOptions>(new TValidator(), sectionName));
        return services.AddOptions<TOptions>().BindKnown(configuration.GetSection(sectionName)).ValidateOnStart();
    }

    /// <summary>For callers outside dependency injection: <paramref name="validator"/>'s checks, thrown, failures named as in <see cref="SectionValidator{TOptions}"/>.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid; the message lists every failure.</exception>
    public static void ThrowIfInvalid<TOptions>(this IValidateOptions<TOptions> validator, TOptions options, string sectionName)
        where TOptions : class
    {
        var result = new SectionValidator<TOptions>(validator, sectionName).Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures);
        }
    }
}
