using System.CodeDom.Compiler;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pipeline.Common;
using Pipeline.Scheduler;
using Pipeline.Scheduler.Hosting;
using Pipeline.Scheduler.Serving;
using Pipeline.UnitTests.Helm;
using Pipeline.Worker;
using Pipeline.Worker.Hosting;

namespace Pipeline.UnitTests.Common;

/// <summary>
/// The one options pattern, over every options type the programs bind: a <c>SectionName</c>, one source-generated
/// validator, and each out-of-range or inconsistent setting refused at start-up (<c>ValidateOnStart</c>) with a message
/// naming it as the operator writes it (<c>Section:Name</c>).
/// </summary>
public sealed class ValidatedOptionsExtensionsTests
{
    private static readonly Action<IHostApplicationBuilder>[] Programs =
    [
        b => b.AddWorker(),
        b =>
        {
            b.AddScheduler();
            b.AddServing();
        },
    ];

    public static TheoryData<string, string> RangeViolations()
    {
        var data = new TheoryData<string, string>();
        foreach (var type in OptionsTypes())
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttribute<RangeAttribute>() is { } range)
                {
                    var key = $"{ProgramSettings.Section(type)}:{property.Name}";
                    data.Add(key, Outside(range, below: true));
                    data.Add(key, Outside(range, below: false));
                }
            }
        }

        return data;
    }

    [Fact]
    public void AddValidatedOptions_EveryOptionsTypeOfThePrograms_HasASectionNameAndOneGeneratedValidator()
    {
        var types = OptionsTypes();

        Assert.Contains(typeof(ServeOptions), types);
        Assert.Contains(typeof(WorkerOptions), types);
        Assert.All(types, type =>
        {
            var constants = type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => f.Name).ToList();
            Assert.Contains("SectionName", constants);
            Assert.DoesNotContain("Section", constants);
            var generated = typeof(IValidateOptions<>).MakeGenericType(type) is var contract
                ? ProgramTypes().Where(t => contract.IsAssignableFrom(t)
                    && t.GetMethod("Validate")?.GetCustomAttribute<GeneratedCodeAttribute>() is { Tool: { } tool } && tool.Contains("Options", StringComparison.Ordinal)).ToList()
                : [];
            Assert.True(generated.Count == 1, $"{type.Name} needs exactly one [OptionsValidator] validator, found {generated.Count}");
        });
    }

    [Theory]
    [MemberData(nameof(RangeViolations))]
    public void AddValidatedOptions_SettingOutsideItsRange_IsRefusedAtStartNamingTheSetting(string key, string value)
    {
        var failures = StartupFailures((key, value));

        Assert.Contains(failures, f => f.StartsWith(key + ": ", StringComparison.Ordinal) && f.Contains("must be between", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(
        "Fetch:HttpMaxRetryDelay, Fetch:HttpRetryDelay: HttpMaxRetryDelay (00:00:01) must be at least HttpRetryDelay (00:00:02)",
        "Fetch:HttpRetryDelay", "00:00:02", "Fetch:HttpMaxRetryDelay", "00:00:01")]
    [InlineData(
        "Blob:MaxRetryDelay, Blob:RetryDelay: MaxRetryDelay (00:00:01) must be at least RetryDelay (00:00:02)",
        "Blob:RetryDelay", "00:00:02", "Blob:MaxRetryDelay", "00:00:01")]
    [InlineData("RabbitMq:Uri: The Tls* settings need an amqps:// URI.", "RabbitMq:TlsServerName", "mq.internal", "RabbitMq:Uri", "amqp://127.0.0.1/")]
    [InlineData(
        "RabbitMq:TlsClientCertificateFile, RabbitMq:TlsClientKeyFile: TlsClientCertificateFile and TlsClientKeyFile go together.",
        "RabbitMq:TlsClientKeyFile", "/nonexistent.key", "RabbitMq:Uri", "amqps://127.0.0.1/")]
    [InlineData("Serve:Host: 'example.com' must be an IP address, 'localhost' or '*'.", "Serve:Host", "example.com", "Serve:Port", "8080")]
    [InlineData(
        "Model:ResizeShortSide, Model:InputSize: ResizeShortSide 200 is smaller than InputSize 224: nothing to crop.",
        "Model:InputSize", "224", "Model:ResizeShortSide", "200")]
    [InlineData(
        "Inference:Fp16, Inference:ExecutionProvider: Fp16 builds float16 TensorRT engines",
        "Inference:Fp16", "true", "Inference:ExecutionProvider", "Cpu")]
    [InlineData(
        "UriPolicy:AllowedFileRoots: Entries must be absolute paths.",
        "UriPolicy:AllowedFileRoots:0", "images", "UriPolicy:AllowPrivateNetworks", "false")]
    public void AddValidatedOptions_InconsistentSettings_AreRefusedAtStartWithTheRule(string expected, string key1, string value1, string key2, string value2)
    {
        var failures = StartupFailures((key1, value1), (key2, value2));

        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void AddValidatedOptions_Defaults_PassEveryValidator()
    {
        Assert.Empty(StartupFailures());
    }

    /// <summary>What ValidateOnStart reports for these settings, across both programs (no service is started).</summary>
    private static List<string> StartupFailures(params (string Key, string Value)[] settings)
    {
        var failures = new List<string>();
        foreach (var add in Programs)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
            add(builder);
            using var host = builder.Build();
            try
            {
                host.Services.GetRequiredService<IStartupValidator>().Validate();
            }
            catch (OptionsValidationException e)
            {
                failures.AddRange(e.Failures);
            }
            catch (AggregateException e)
            {
                failures.AddRange(e.InnerExceptions.OfType<OptionsValidationException>().SelectMany(x => x.Failures));
            }
        }

        return failures;
    }

    private static List<Type> OptionsTypes() => Programs.SelectMany(ProgramSettings.OptionsTypes).Distinct().ToList();

    private static IEnumerable<Type> ProgramTypes() =>
        new[] { typeof(EventIds).Assembly, typeof(WorkerOptions).Assembly, typeof(SchedulerOptions).Assembly }.SelectMany(a => a.GetTypes());

    // The configuration text of a value just outside the range.
    private static string Outside(RangeAttribute range, bool below)
    {
        var bound = below ? range.Minimum : range.Maximum;
        if (range.OperandType == typeof(TimeSpan))
        {
            var span = TimeSpan.Parse((string)bound, CultureInfo.InvariantCulture) + TimeSpan.FromMilliseconds(below ? -1 : 1);
            return span.ToString("c", CultureInfo.InvariantCulture);
        }

        var number = Convert.ToDouble(bound, CultureInfo.InvariantCulture) + (below ? -1 : 1);
        return number.ToString("R", CultureInfo.InvariantCulture);
    }
}
