using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Pipeline.Common.Messaging;

/// <summary>
/// Opens broker connections with automatic recovery and declares the durable queues. An <c>amqps://</c>
/// URI turns TLS on; the broker's certificate must match its host name (<see cref="RabbitMqOptions.TlsServerName"/>)
/// and chain to the system store or <see cref="RabbitMqOptions.TlsCaFile"/>.
/// </summary>
public sealed class RabbitMqConnector(IOptions<RabbitMqOptions> options, TimeProvider? time = null)
{
    private readonly RabbitMqOptions _options = options.Value;

    /// <summary>The validated <c>RabbitMq</c> settings.</summary>
    public RabbitMqOptions Options => _options;

    /// <summary>Waits out an unreachable broker (<see cref="BrokerRetry"/>): connecting, re-sending lost publishes.</summary>
    public BrokerRetry Retry { get; } = new(options, time ?? TimeProvider.System);

    /// <summary>Connects, waiting out an unreachable broker for at most <see cref="RabbitMqOptions.OutageTolerance"/>.</summary>
    public Task<IConnection> ConnectAsync(string clientName, CancellationToken cancellationToken) =>
        Retry.RunAsync(token => CreateFactory(clientName).CreateConnectionAsync(token), cancellationToken);

    /// <summary>The connection settings, without connecting.</summary>
    internal ConnectionFactory CreateFactory(string clientName)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(_options.Uri),
            ClientProvidedName = clientName,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
        };
        if (!factory.Ssl.Enabled)
        {
            return factory;
        }

        // For amqps:// URIs the client accepts a certificate issued to another host; we do not.
        factory.Ssl.AcceptablePolicyErrors = SslPolicyErrors.None;
        if (!string.IsNullOrEmpty(_options.TlsServerName))
        {
            factory.Ssl.ServerName = _options.TlsServerName;
        }
        if (!string.IsNullOrEmpty(_options.TlsCaFile))
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(_options.TlsCaFile);
            factory.Ssl.CertificateValidationCallback = TrustedCa.Validator(authorities);
        }
        if (!string.IsNullOrEmpty(_options.TlsClientCertificateFile) && !string.IsNullOrEmpty(_options.TlsClientKeyFile))
        {
            factory.Ssl.Certs = new X509CertificateCollection
            {
                X509Certificate2.CreateFromPemFile(_options.TlsClientCertificateFile, _options.TlsClientKeyFile),
            };
        }
        return factory;
    }
}
