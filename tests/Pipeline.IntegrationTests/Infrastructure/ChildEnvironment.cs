using System.Diagnostics;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>Hands a test's settings to a child process (worker, <c>pipeline</c>) on top of the inherited environment.</summary>
internal static class ChildEnvironment
{
    public static void Apply(ProcessStartInfo info, IReadOnlyDictionary<string, string> environment)
    {
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
            if (key.EndsWith(Common.SecretFiles.Suffix, StringComparison.Ordinal))
            {
                // A setting given as a file must not also arrive inherited (the programs refuse both).
                info.Environment.Remove(key[..^Common.SecretFiles.Suffix.Length]);
            }
        }
    }
}
