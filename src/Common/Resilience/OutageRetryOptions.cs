namespace Pipeline.Common.Resilience;

/// <summary>One outage retry pipeline (<see cref="OutageRetry"/>): which errors are an outage, the back-off, the tolerance.</summary>
/// <param name="Name">Pipeline name, e.g. <c>database</c> (Polly's telemetry and logs carry it).</param>
/// <param name="IsOutage">The errors worth waiting out; anything else surfaces at once.</param>
/// <param name="FirstDelay">Median wait before the first retry; doubles per retry, jittered.</param>
/// <param name="MaxDelay">Longest wait between two attempts.</param>
/// <param name="Tolerance">How long an outage is waited out, from the first attempt; zero fails at the first error.</param>
public sealed record OutageRetryOptions(string Name, Func<Exception, bool> IsOutage, TimeSpan FirstDelay, TimeSpan MaxDelay, TimeSpan Tolerance);
