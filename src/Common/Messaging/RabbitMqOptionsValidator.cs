namespace Pipeline.Common.Messaging;

using Microsoft.Extensions.Options;

/// <summary>Checks the URI and TLS settings of <see cref="RabbitMqOptions"/> at start-up; never echoes the URI (it holds the password).</summary>
public sealed class RabbitMqOptionsValidator : IValidateOptions<RabbitMqOptions>
{
    public ValidateOptionsResult Validate(string? name, RabbitMqOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = [];
        var tls = false;
        if (!Uri.TryCreate(options.Uri, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
        {
            failures.Add("RabbitMq:Uri must be an amqp:// or amqps:// URI.");
        }
        else
        {
            tls = uri.Scheme == "amqps";
        }

        var tlsSettings = new[] { options.TlsCaFile, options.TlsServerName, options.TlsClientCertificateFile, options.TlsClientKeyFile };
        if (!tls && tlsSettings.Any(s => !string.IsNullOrEmpty(s)))
        {
            failures.Add("RabbitMq:Tls* settings need an amqps:// URI.");
        }

        if (string.IsNullOrEmpty(options.TlsClientCertificateFile) != string.IsNullOrEmpty(options.TlsClientKeyFile))
        {
            failures.Add("RabbitMq:TlsClientCertificateFile and RabbitMq:TlsClientKeyFile go together.");
        }

        foreach (var (setting, path) in new[]
        {
            ("TlsCaFile", options.TlsCaFile), ("TlsClientCertificateFile", options.TlsClientCertificateFile), ("TlsClientKeyFile", options.TlsClientKeyFile),
        })
        {
            if (!string.IsNullOrEmpty(path) && !File.Exists(path))
            {
                failures.Add($"RabbitMq:{setting}: file {path} not found.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
