using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Pipeline.Common;

/// <summary>Registers <see cref="KnownSettingsValidator{TOptions}"/> for an options section, so a misspelt setting fails at start-up.</summary>
public static class KnownSettingsExtensions
{
    /// <summary>Environment variables with this prefix override configuration (<c>PIPELINE_Postgres__ConnectionString</c>).</summary>
    public const string EnvironmentPrefix = "PIPELINE_";

    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and refuses, at validation (so at start-up with
    /// <c>ValidateOnStart</c>), every key of the section that is not one of its settings (see <see cref="KnownSettingsValidator{TOptions}"/>).
    /// </summary>
    public static OptionsBuilder<TOptions> BindKnown<TOptions>(this OptionsBuilder<TOptions> builder, IConfigurationSection section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Bind(section);
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new KnownSettingsValidator<TOptions>(builder.Name, section));
        return builder;
    }
}
