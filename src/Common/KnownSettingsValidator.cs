using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Pipeline.Common;

/// <summary>
/// Refuses keys in an options section that bind to nothing (<c>PIPELINE_Model__Poolling=Max</c>): the configuration binder
/// ignores them, so a misspelt setting would otherwise leave its default in place without a word. Names the key, the
/// environment variable and the nearest real setting.
/// </summary>
/// <remarks>
/// Only the section's direct keys are checked (list items such as <c>AllowedHosts__0</c> belong to a known setting).
/// <c>&lt;Name&gt;_FILE</c> keys are <see cref="SecretFiles"/> indirections of a known setting and pass.
/// </remarks>
public sealed class KnownSettingsValidator<TOptions>(string? optionsName, IConfigurationSection section) : IValidateOptions<TOptions>
    where TOptions : class
{
    private static readonly string[] Settings = typeof(TOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.SetMethod is { IsPublic: true } || IsBindableCollection(p.PropertyType))
        .Select(p => p.Name)
        .ToArray();

    /// <summary>Fails when the section holds a key that is no property of <typeparamref name="TOptions"/>.</summary>
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if (optionsName is not null && optionsName != name)
        {
            return ValidateOptionsResult.Skip;
        }

        var problems = new List<string>();
        foreach (var child in section.GetChildren())
        {
            var key = child.Key;
            if (IsKnown(key)
                || (key.EndsWith(SecretFiles.Suffix, StringComparison.OrdinalIgnoreCase) && IsKnown(key[..^SecretFiles.Suffix.Length])))
            {
                continue;
            }

            var nearest = Settings.MinBy(s => Distance(s.ToUpperInvariant(), key.ToUpperInvariant()));
            var hint = nearest is not null && Distance(nearest.ToUpperInvariant(), key.ToUpperInvariant()) <= Math.Max(2, key.Length / 3)
                ? $"did you mean {section.Path}:{nearest}? "
                : string.Empty;
            problems.Add(
                $"{section.Path}:{key} ({KnownSettingsExtensions.EnvironmentPrefix}{section.Path}__{key}) is not a setting: {hint}" +
                $"the {section.Path} settings are {string.Join(", ", Settings)}.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static bool IsKnown(string key) => Settings.Contains(key, StringComparer.OrdinalIgnoreCase);

    private static bool IsBindableCollection(Type type) =>
        type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type);

    // Levenshtein distance, for the "did you mean" hint.
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
