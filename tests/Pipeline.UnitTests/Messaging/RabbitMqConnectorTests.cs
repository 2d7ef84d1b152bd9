using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Pipeline.Common.Messaging;
using Pipeline.UnitTests.Sources;

namespace Pipeline.UnitTests.Messaging;

/// <summary>TLS settings reach the RabbitMQ connection factory (no broker needed: nothing connects).</summary>
public sealed class RabbitMqConnectorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static RabbitMQ.Client.ConnectionFactory Factory(RabbitMqOptions options) =>
        new RabbitMqConnector(Options.Create(options)).CreateFactory("test");

    [Fact]
    public void CreateFactory_AmqpUri_HasTlsOff()
    {
        var factory = Factory(new RabbitMqOptions { Uri = "amqp://u:p@mq.example:5672/v" });

        Assert.False(factory.Ssl.Enabled);
        Assert.Equal(5672, factory.Port);
    }

    [Fact]
    public void CreateFactory_AmqpsUri_EnablesTlsCheckingTheHostName()
    {
        var factory = Factory(new RabbitMqOptions { Uri = "amqps://u:p@mq.example/v" });

        Assert.True(factory.Ssl.Enabled);
        Assert.Equal("mq.example", factory.Ssl.ServerName);
        Assert.Equal(5671, factory.Port);
        // The client's own amqps default tolerates a certificate for another host.
        Assert.Equal(SslPolicyErrors.None, factory.Ssl.AcceptablePolicyErrors);
        Assert.Null(factory.Ssl.CertificateValidationCallback);
    }

    [Fact]
    public void CreateFactory_TlsOptions_SetServerNameCaAndClientCertificate()
    {
        using var ca = Certificates.Authority("Test CA");
        using var client = Certificates.Issue(ca, "pipeline-worker");
        var caFile = _dir.File("ca.pem", ca.ExportCertificatePem());
        var certFile = _dir.File("client.pem", client.ExportCertificatePem());
        using var key = client.GetRSAPrivateKey()!;
        var keyFile = _dir.File("client.key", key.ExportPkcs8PrivateKeyPem());

        var factory = Factory(new RabbitMqOptions
        {
            Uri = "amqps://10.0.0.5:5671/",
            TlsServerName = "mq.internal",
            TlsCaFile = caFile,
            TlsClientCertificateFile = certFile,
            TlsClientKeyFile = keyFile,
        });

        Assert.Equal("mq.internal", factory.Ssl.ServerName);
        Assert.NotNull(factory.Ssl.CertificateValidationCallback);
        var loaded = Assert.IsType<X509Certificate2>(Assert.Single(factory.Ssl.Certs!.Cast<X509Certificate>()));
        Assert.Equal(client.Thumbprint, loaded.Thumbprint);
        Assert.True(loaded.HasPrivateKey);
    }

    [Fact]
    public void Validate_TlsSettingsWithoutAmqps_Fail()
    {
        var result = new RabbitMqOptionsValidator().Validate(null, new RabbitMqOptions { TlsServerName = "mq.internal" });

        Assert.True(result.Failed);
        Assert.Contains("amqps", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadUri_FailsWithoutEchoingIt()
    {
        var result = new RabbitMqOptionsValidator().Validate(null, new RabbitMqOptions { Uri = "http://u:SECRETPASS@mq/" });

        Assert.True(result.Failed);
        Assert.DoesNotContain("SECRETPASS", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingCaFileOrHalfAClientCertificate_Fail()
    {
        var result = new RabbitMqOptionsValidator().Validate(null, new RabbitMqOptions
        {
            Uri = "amqps://mq.example/",
            TlsCaFile = Path.Combine(_dir.Path, "missing.pem"),
            TlsClientCertificateFile = _dir.File("c.pem", "x"),
        });

        Assert.True(result.Failed);
        Assert.Contains("TlsCaFile", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("go together", result.FailureMessage, StringComparison.Ordinal);
    }
}
