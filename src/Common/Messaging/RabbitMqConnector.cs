namespace Pipeline.Common.Messaging;

using Microsoft.Extensions.Options;
using RabbitMQ.Client;

/// <summary>Opens broker connections with automatic recovery and declares the durable queues.</summary>
public sealed class RabbitMqConnector(IOptions<RabbitMqOptions> options)
{
    private readonly RabbitMqOptions _options = options.Value;

    public RabbitMqOptions Options => _options;

    public Task<IConnection> ConnectAsync(string clientName, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(_options.Uri),
            ClientProvidedName = clientName,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
        };
        return factory.CreateConnectionAsync(cancellationToken);
    }
}
