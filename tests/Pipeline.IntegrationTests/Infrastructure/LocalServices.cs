using Npgsql;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// Stops, starts and restarts one of the services of <c>scripts/services.sh</c> (with this run's ports, inherited from the environment).
/// </summary>
/// <remarks>
/// Tests run one after another in one process, so the connections this process pools outlive the test that restarted Postgres:
/// an idle one holds the server's "57P01 terminating connection" message and fails the next test that takes it from the pool.
/// Every change to Postgres therefore clears the process's pools.
/// </remarks>
internal static class LocalServices
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>Runs <c>scripts/services.sh restart service</c>; fails the test if the script fails.</summary>
    public static Task RestartAsync(string service) => RunAsync("restart", service);

    /// <summary>Runs <c>scripts/services.sh stop service</c>; fails the test if the script fails.</summary>
    public static Task StopAsync(string service) => RunAsync("stop", service);

    /// <summary>Runs <c>scripts/services.sh start service</c>; fails the test if the script fails.</summary>
    public static Task StartAsync(string service) => RunAsync("start", service);

    private static async Task RunAsync(string command, string service)
    {
        try
        {
            var (code, output) = await CommandRunner.RunAsync(Path.Combine(RepoPaths.Root, "scripts", "services.sh"), Timeout, command, service);
            Assert.True(code == 0, output);
        }
        finally
        {
            if (service == "postgres")
            {
                NpgsqlConnection.ClearAllPools();
            }
        }
    }
}
