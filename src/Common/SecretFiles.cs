using System.Collections;

namespace Pipeline.Common;

/// <summary>
/// <c>PIPELINE_&lt;Section&gt;__&lt;Name&gt;_FILE=/path</c> sets <c>&lt;Section&gt;:&lt;Name&gt;</c> to the file's content
/// (a trailing newline trimmed): secrets mounted as files (Kubernetes secret volumes, Docker secrets) then never
/// pass through the process environment.
/// </summary>
public static class SecretFiles
{
    /// <summary>Suffix of a variable naming a file that holds a secret (<c>Postgres__Password_FILE</c>).</summary>
    public const string Suffix = "_FILE";

    /// <param name="environment">The process environment (<see cref="Environment.GetEnvironmentVariables()"/>).</param>
    /// <returns>Configuration keys (<c>Postgres:ConnectionString</c>) and the secrets read for them.</returns>
    /// <exception cref="InvalidOperationException">A file cannot be read, or a setting is given both ways.</exception>
    public static Dictionary<string, string?> Read(IDictionary environment, string prefix)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(prefix);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is not string name
                || !name.StartsWith(prefix, StringComparison.Ordinal)
                || !name.EndsWith(Suffix, StringComparison.Ordinal)
                || name.Length <= prefix.Length + Suffix.Length)
            {
                continue;
            }

            var variable = name[..^Suffix.Length];
            if (environment.Contains(variable))
            {
                throw new InvalidOperationException($"both {variable} and {name} are set: set only one");
            }

            // Messages name the variable and the path, never the content.
            var path = entry.Value as string;
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new InvalidOperationException($"{name} is empty: it must name a file");
            }

            try
            {
                settings[variable[prefix.Length..].Replace("__", ":", StringComparison.Ordinal)] = File.ReadAllText(path).TrimEnd('\r', '\n');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"{name}: cannot read {path} ({ex.GetType().Name})", ex);
            }
        }

        return settings;
    }
}
