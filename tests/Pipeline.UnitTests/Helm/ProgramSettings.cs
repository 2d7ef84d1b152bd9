using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pipeline.Common;
using Pipeline.Scheduler.Hosting;
using Pipeline.Worker.Hosting;

namespace Pipeline.UnitTests.Helm;

/// <summary>
/// The <c>PIPELINE_…</c> variables a program reads, derived from what it registers: every options type
/// bound in its container, by its section constant and its settable properties.
/// </summary>
internal static class ProgramSettings
{
    public static IReadOnlySet<string> Worker { get; } = Read(builder => builder.AddWorker());

    public static IReadOnlySet<string> Scheduler { get; } = Read(builder => builder.AddScheduler());

    /// <summary>Options types of our own that a program binds (no services are started).</summary>
    public static IEnumerable<Type> OptionsTypes(Action<IHostApplicationBuilder> add)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        add(builder);
        return builder.Services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Where(t => t.Namespace?.StartsWith("Pipeline.", StringComparison.Ordinal) == true)
            .Distinct();
    }

    public static string Section(Type options) =>
        options.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name == "SectionName")
            .Select(f => (string)f.GetRawConstantValue()!)
            .SingleOrDefault()
        ?? throw new InvalidOperationException($"{options.Name} has no SectionName constant: add one so its settings can be checked");

    private static HashSet<string> Read(Action<IHostApplicationBuilder> add)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in OptionsTypes(add))
        {
            var prefix = KnownSettingsExtensions.EnvironmentPrefix + Section(type) + "__";
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.SetMethod?.IsPublic == true)
                {
                    names.Add(prefix + property.Name);
                }
                else if (typeof(IEnumerable).IsAssignableFrom(property.PropertyType) && property.PropertyType != typeof(string))
                {
                    // Get-only collections bind from indexed keys: PIPELINE_Fetch__AllowedFileRoots__0.
                    names.Add(prefix + property.Name + "__0");
                }
            }
        }

        return names;
    }
}
