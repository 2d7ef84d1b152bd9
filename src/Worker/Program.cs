using Microsoft.Extensions.Hosting;
using Pipeline.Worker;

var builder = Host.CreateApplicationBuilder(args);
builder.AddWorker();
await builder.Build().RunAsync().ConfigureAwait(false);
