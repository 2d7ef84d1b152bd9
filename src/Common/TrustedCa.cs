using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pipeline.Common;

/// <summary>
/// Certificate validation that also trusts a private CA, for a server whose CA is not in the system store: the
/// broker (<c>RabbitMq:TlsCaFile</c>) or an https model mirror (<c>Model:TlsCaFile</c>).
/// </summary>
internal static class TrustedCa
{
    /// <summary>
    /// Accepts what the system accepts, or a certificate whose only fault is a chain that ends at one of
    /// <paramref name="authorities"/>. A wrong host name or a missing certificate is never accepted.
    /// </summary>
    public static RemoteCertificateValidationCallback Validator(X509Certificate2Collection authorities)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        return (_, certificate, chain, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }
            if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is not X509Certificate2 leaf)
            {
                return false;
            }

            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(authorities);
            // A private CA rarely publishes revocation lists; without this every chain would fail as "unknown".
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            // Intermediates the server sent along.
            if (chain is not null)
            {
                foreach (var element in chain.ChainElements)
                {
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
            return custom.Build(leaf);
        };
    }
}
