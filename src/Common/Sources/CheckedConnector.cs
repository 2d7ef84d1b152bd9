using System.Net;
using System.Net.Sockets;

namespace Pipeline.Common.Sources;

/// <summary>
/// The http fetcher's <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host itself, checks every
/// address with the <see cref="UriPolicy"/> and connects only to a checked one, so a name that resolves to a
/// private address, at first or on a later lookup (DNS rebinding), is refused.
/// </summary>
internal static class CheckedConnector
{
    public static async ValueTask<Stream> ConnectAsync(UriPolicy policy, DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken).ConfigureAwait(false);
        policy.CheckAddresses(endPoint.Host, addresses);

        SocketException? lastError = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                lastError = ex; // try the host's next address, as the default connector does
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw lastError ?? new SocketException((int)SocketError.HostNotFound);
    }
}
