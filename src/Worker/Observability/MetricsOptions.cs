using System.ComponentModel.DataAnnotations;

namespace Pipeline.Worker.Observability;

/// <summary>The worker's metrics and health listener. Bound from the <c>Metrics</c> section.</summary>
internal sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Port serving <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>; 0 turns the listener off. Default 9464; 0 to 65,535.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 9464;

    /// <summary>
    /// Address to listen on. Loopback by default, like the local services; containers set <c>*</c>
    /// (all interfaces), since probes and scrapes come from outside the pod. Default <c>127.0.0.1</c>; <c>*</c>, <c>+</c>, a host name
    /// or address, or a bracketed IPv6 address.
    /// </summary>
    [Required, RegularExpression(@"^(\*|\+|[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])$")]
    public string Host { get; set; } = "127.0.0.1";
}
