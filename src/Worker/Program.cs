using Pipeline.Worker.Hosting;
using Pipeline.Worker.Inference;

var checkGpu = args.Contains(GpuCheck.Flag);
var builder = Host.CreateApplicationBuilder([.. args.Where(a => a != GpuCheck.Flag)]);
builder.AddWorker();
using var host = builder.Build();
if (checkGpu)
{
    return await GpuCheck.RunAsync(host.Services, Console.Out, Console.Error, CancellationToken.None).ConfigureAwait(false);
}

await host.RunAsync().ConfigureAwait(false);
return Environment.ExitCode;
