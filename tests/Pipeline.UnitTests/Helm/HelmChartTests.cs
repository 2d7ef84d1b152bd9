using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pipeline.Common.Messaging;
using Pipeline.Scheduler.Hosting;
using Pipeline.Worker.Hosting;
using YamlDotNet.RepresentationModel;

namespace Pipeline.UnitTests.Helm;

/// <summary>
/// What can be checked of the chart without helm: its YAML files parse, templates and values agree,
/// and every variable the templates set is one the programs read.
/// </summary>
public sealed class HelmChartTests
{
    /// <summary>Read by the .NET host's logging configuration (no PIPELINE_ prefix).</summary>
    private static readonly string[] HostLoggingSettings =
        ["Logging__Console__FormatterName", "Logging__Console__FormatterOptions__IncludeScopes", "Logging__LogLevel__Default"];

    [Fact]
    public void ChartYaml_Parses_AsAnApplicationChartWithVersions()
    {
        Assert.Equal("v2", HelmChart.Find(HelmChart.Chart, "apiVersion")!.ToString());
        Assert.Equal("pipeline", HelmChart.Find(HelmChart.Chart, "name")!.ToString());
        Assert.Equal("application", HelmChart.Find(HelmChart.Chart, "type")!.ToString());
        Assert.Matches(@"^\d+\.\d+\.\d+", HelmChart.Find(HelmChart.Chart, "version")!.ToString());
        Assert.NotNull(HelmChart.Find(HelmChart.Chart, "appVersion"));
    }

    [Fact]
    public void ValuesYaml_EveryKey_HasACommentOnTheLineAbove()
    {
        var lines = HelmChart.ValuesText.Split('\n');
        var undocumented = lines
            .Select((line, i) => (line, i))
            .Where(l => Regex.IsMatch(l.line, @"^\s*(-\s+)?[A-Za-z0-9_./""-]+:(\s|$)") && (l.i == 0 || !lines[l.i - 1].TrimStart().StartsWith('#')))
            .Select(l => $"line {l.i + 1}: {l.line.Trim()}")
            .ToList();

        Assert.True(undocumented.Count == 0, "keys without a comment above:\n" + string.Join('\n', undocumented));
    }

    [Fact]
    public void Templates_EveryValuesPath_ExistsInValuesYaml()
    {
        var missing = HelmChart.Templates
            .SelectMany(t => HelmChart.ValuesPaths(t.Value).Select(p => (File: t.Key, Path: p.TrimStart('.'))))
            .Where(r => HelmChart.Find(HelmChart.Values, r.Path) is null)
            .Select(r => $"{r.File}: .Values.{r.Path}")
            .Distinct()
            .ToList();

        Assert.True(missing.Count == 0, "templates use values that values.yaml lacks:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void ValuesYaml_EveryValue_IsUsedByATemplate()
    {
        var used = HelmChart.Templates.Values.SelectMany(HelmChart.ValuesPaths).Select(p => p.TrimStart('.')).ToHashSet(StringComparer.Ordinal);

        // A value is used when a template reads it or a map around it (e.g. toYaml .Values.worker.resources).
        var unused = HelmChart.Leaves(HelmChart.Values)
            .Where(leaf => !Ancestors(leaf).Any(used.Contains))
            .ToList();

        Assert.True(unused.Count == 0, "values no template reads:\n" + string.Join('\n', unused));
    }

    [Theory]
    [InlineData("worker-deployment.yaml")]
    [InlineData("scheduler-cronjob.yaml")]
    [InlineData("configmap.yaml")]
    public void Templates_EveryVariable_IsASettingTheProgramsRead(string template)
    {
        var readable = template switch
        {
            "worker-deployment.yaml" => ProgramSettings.Worker,
            "scheduler-cronjob.yaml" => ProgramSettings.Scheduler,
            _ => ProgramSettings.Worker.Union(ProgramSettings.Scheduler).ToHashSet(),
        };

        var names = HelmChart.EnvironmentNames(HelmChart.Templates[template]).ToList();
        var unknown = names.Where(n => !readable.Contains(n) && !HostLoggingSettings.Contains(n)).ToList();

        Assert.NotEmpty(names);
        Assert.True(unknown.Count == 0, $"{template} sets variables nothing reads: {string.Join(", ", unknown)}");
    }

    [Theory]
    [InlineData("worker-deployment.yaml", "PIPELINE_Postgres__ConnectionString", "secrets.postgres")]
    [InlineData("worker-deployment.yaml", "PIPELINE_RabbitMq__Uri", "secrets.rabbitmq")]
    [InlineData("worker-deployment.yaml", "PIPELINE_Blob__ConnectionString", "secrets.blob")]
    [InlineData("scheduler-cronjob.yaml", "PIPELINE_Postgres__ConnectionString", "secrets.postgres")]
    [InlineData("scheduler-cronjob.yaml", "PIPELINE_RabbitMq__Uri", "secrets.rabbitmq")]
    [InlineData("scheduler-cronjob.yaml", "PIPELINE_Blob__ConnectionString", "secrets.blob")]
    public void Workloads_Credentials_ComeFromTheReferencedSecrets(string template, string variable, string secret)
    {
        var pattern = $@"- name: {variable}\s+valueFrom:\s+secretKeyRef:\s+name: \{{\{{[^}}]*\.Values\.{Regex.Escape(secret)}\.name \}}\}}"
            + $@"\s+key: \{{\{{ \.Values\.{Regex.Escape(secret)}\.key \}}\}}";

        Assert.Matches(pattern, HelmChart.Templates[template]);
    }

    [Fact]
    public void Workloads_Credentials_AreNeverInTheConfigMap()
    {
        var configMap = HelmChart.EnvironmentNames(HelmChart.Templates["configmap.yaml"]).ToList();

        Assert.DoesNotContain("PIPELINE_Postgres__ConnectionString", configMap);
        Assert.DoesNotContain("PIPELINE_RabbitMq__Uri", configMap);
        Assert.DoesNotContain("PIPELINE_Blob__ConnectionString", configMap);
    }

    [Fact]
    public void WorkerDeployment_GracePeriod_OutlastsTheWorkersOwnShutdown()
    {
        var drain = TimeSpan.FromSeconds(int.Parse(HelmChart.Scalar("worker.drainTimeoutSeconds"), System.Globalization.CultureInfo.InvariantCulture));
        var margin = TimeSpan.FromSeconds(int.Parse(HelmChart.Scalar("worker.terminationMarginSeconds"), System.Globalization.CultureInfo.InvariantCulture));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Configuration["Worker:DrainTimeout"] = drain.ToString();
        builder.AddWorker();
        using var host = builder.Build();
        var hostShutdown = host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;

        // The kubelet must not SIGKILL a worker that is still within its own, orderly shutdown.
        Assert.True(drain + margin > hostShutdown, $"grace {drain + margin} <= the host's shutdown timeout {hostShutdown}");
        Assert.Contains(
            "terminationGracePeriodSeconds: {{ add .Values.worker.drainTimeoutSeconds .Values.worker.terminationMarginSeconds }}",
            HelmChart.Templates["worker-deployment.yaml"], StringComparison.Ordinal);
        Assert.Contains("PIPELINE_Worker__DrainTimeout: {{ include \"pipeline.drainTimeout\" . | quote }}", HelmChart.Templates["configmap.yaml"], StringComparison.Ordinal);
    }

    [Fact]
    public void KedaScaledObject_Enabled_ScalesOnTheWorkersQueue()
    {
        var keda = HelmChart.Templates["keda-scaledobject.yaml"];

        Assert.Contains("queueName: {{ printf \"%s.%s\" .Values.rabbitmq.queuePrefix .Values.model.id | quote }}", keda, StringComparison.Ordinal);
        Assert.Equal(new RabbitMqOptions().QueuePrefix, HelmChart.Scalar("rabbitmq.queuePrefix"));
        Assert.Equal("0", HelmChart.Scalar("keda.minReplicaCount"));
    }

    [Fact]
    public void SchedulerCronJob_Defaults_ForbidOverlappingRunsAndAreIncremental()
    {
        var cronJob = HelmChart.Templates["scheduler-cronjob.yaml"];

        Assert.Contains("concurrencyPolicy: Forbid", cronJob, StringComparison.Ordinal);
        Assert.Contains("{{- if .Values.scheduler.force }}\n                - --force", cronJob, StringComparison.Ordinal);
        Assert.Equal("false", HelmChart.Scalar("scheduler.force"));
    }

    [Fact]
    public void Workloads_SecurityContext_RunAsTheImagesNonRootUserOnAReadOnlyRoot()
    {
        Assert.Equal("true", HelmChart.Scalar("podSecurityContext.runAsNonRoot"));
        Assert.Equal("1654", HelmChart.Scalar("podSecurityContext.runAsUser"));
        Assert.Equal("true", HelmChart.Scalar("securityContext.readOnlyRootFilesystem"));
        Assert.Contains("USER 1654", File.ReadAllText(RepoPaths.File("Dockerfile")), StringComparison.Ordinal);
        foreach (var template in new[] { "worker-deployment.yaml", "scheduler-cronjob.yaml" })
        {
            Assert.Contains("toYaml .Values.securityContext", HelmChart.Templates[template], StringComparison.Ordinal);
            Assert.Contains("mountPath: /tmp", HelmChart.Templates[template], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void OptionsTypes_OfBothPrograms_AllHaveASection()
    {
        var types = ProgramSettings.OptionsTypes(b => b.AddWorker()).Concat(ProgramSettings.OptionsTypes(b => b.AddScheduler())).Distinct().ToList();

        Assert.Contains(types, t => t.Name == "MetricsOptions");
        Assert.Contains(types, t => t.Name == "SchedulerOptions");
        Assert.All(types, t => Assert.NotEmpty(ProgramSettings.Section(t)));
        Assert.Contains("PIPELINE_Metrics__Port", ProgramSettings.Worker);
        Assert.DoesNotContain("PIPELINE_Metrics__Port", ProgramSettings.Scheduler);
    }

    [Fact]
    public void Workloads_FileRoots_DefaultToTheirImageMountsElseNoLocalFiles()
    {
        var helpers = HelmChart.Templates["_helpers.tpl"];

        Assert.Empty(Assert.IsType<YamlSequenceNode>(HelmChart.Find(HelmChart.Values, "uriPolicy.allowedFileRoots")));
        Assert.Contains("{{ $roots = append $roots .mountPath }}", helpers, StringComparison.Ordinal);
        Assert.Contains("PIPELINE_UriPolicy__AllowedFileRoots__%d", helpers, StringComparison.Ordinal);
        // No image mounts: only http and https, so a file:// URI in a manifest reads nothing.
        Assert.Matches(@"else \}\}\s+- name: PIPELINE_UriPolicy__AllowedSchemes__0\s+value: http\s+- name: PIPELINE_UriPolicy__AllowedSchemes__1\s+value: https\s", helpers);
        Assert.Contains("PIPELINE_UriPolicy__AllowedFileRoots__0", ProgramSettings.Worker);
        Assert.Contains("PIPELINE_UriPolicy__AllowedSchemes__0", ProgramSettings.Scheduler);
        Assert.Contains(
            "include \"pipeline.fileRootsEnv\" (dict \"root\" $ \"mounts\" .Values.worker.extraVolumeMounts)",
            HelmChart.Templates["worker-deployment.yaml"], StringComparison.Ordinal);
        Assert.Contains(
            "include \"pipeline.fileRootsEnv\" (dict \"root\" $ \"mounts\" .Values.scheduler.extraVolumeMounts)",
            HelmChart.Templates["scheduler-cronjob.yaml"], StringComparison.Ordinal);
    }

    [Fact]
    public void WorkerDeployment_ModelAndTensorRtCaches_LiveOnTheCacheVolume()
    {
        var worker = HelmChart.Templates["worker-deployment.yaml"];

        Assert.Matches(@"- name: model-cache\s+mountPath: /var/cache/pipeline\s", worker);
        Assert.Matches(@"- name: model-cache\s+\{\{- toYaml \.Values\.worker\.modelCache\.volume", worker);
        Assert.Matches(@"- name: PIPELINE_Model__CacheDirectory\s+value: /var/cache/pipeline/models\s", worker);
        Assert.Contains("- name: PIPELINE_Inference__TensorRtCacheDirectory", worker, StringComparison.Ordinal);
        Assert.StartsWith("/var/cache/pipeline/", HelmChart.Scalar("gpu.tensorRtCacheDirectory"), StringComparison.Ordinal);
        Assert.Equal("2Gi", HelmChart.Scalar("worker.modelCache.volume.emptyDir.sizeLimit"));
    }

    [Fact]
    public void WorkerDeployment_ModelTlsCa_MountedFromItsSecretAndSet()
    {
        var worker = HelmChart.Templates["worker-deployment.yaml"];

        Assert.Contains("value: {{ printf \"/etc/pipeline/model-ca/%s\" .Values.model.tlsCa.key | quote }}", worker, StringComparison.Ordinal);
        Assert.Matches(@"- name: model-ca\s+mountPath: /etc/pipeline/model-ca\s+readOnly: true", worker);
        Assert.Matches(@"- name: model-ca\s+secret:\s+secretName: \{\{ \. \}\}", worker);
        Assert.Equal(string.Empty, HelmChart.Scalar("model.tlsCa.secret"));
    }

    private static IEnumerable<string> Ancestors(string path)
    {
        for (var end = path.Length; end > 0; end = path.LastIndexOf('.', end - 1))
        {
            yield return path[..end];
        }
    }
}
