using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>A real worker process (the built Pipeline.Worker.dll), stopped with SIGTERM like Kubernetes does.</summary>
internal sealed partial class WorkerProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private WorkerProcess(Process process) => _process = process;

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Peak resident memory so far (VmHWM), in bytes.</summary>
    public long PeakResidentBytes =>
        long.Parse(File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;

    public static WorkerProcess Start(IReadOnlyDictionary<string, string> environment) =>
        Start(environment, Path.Combine(AppContext.BaseDirectory, "Pipeline.Worker.dll"));

    /// <summary>A worker from another build, e.g. the published folder the container images hold, with command-line arguments.</summary>
    public static WorkerProcess Start(IReadOnlyDictionary<string, string> environment, string workerDll, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [workerDll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Defaults a test may override: plain logs, and no metrics listener (several workers share the machine).
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["PIPELINE_Metrics__Port"] = "0";
        ChildEnvironment.Apply(info, environment);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Waits until the worker logs that it consumes (model loaded, queue declared).</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!Log.Contains("Worker ready", StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"worker exited with {_process.ExitCode} before it was ready:\n{Log}");
            }

            await Task.Delay(100, cts.Token);
        }
    }

    /// <summary>Waits for the worker to exit by itself (a start-up failure, <c>--check-gpu</c>) and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM and returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigTerm);
        }

        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no drain, no goodbye to the broker, like a preempted pod.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await StopAsync(TimeSpan.FromSeconds(60));
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
