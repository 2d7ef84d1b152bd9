using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// An https server on a free loopback port answering every GET with one body, one request per connection.
/// TcpListener + SslStream, since HttpListener does no TLS on Linux; it counts requests, which a client that
/// rejects the certificate never gets to send.
/// </summary>
internal sealed class HttpsFileServer : IAsyncDisposable
{
    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly byte[] _body;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _requests;

    public HttpsFileServer(X509Certificate2 certificate, byte[] body)
    {
        _certificate = certificate;
        _body = body;
        _listener.Start();
        Url = $"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
        _accepting = AcceptAsync(_stop.Token);
    }

    public string Url { get; }

    public int Requests => Volatile.Read(ref _requests);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        var serving = new List<Task>();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                serving.Add(ServeAsync(await _listener.AcceptTcpClientAsync(cancellationToken), cancellationToken));
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }
        }

        await Task.WhenAll(serving);
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        {
            var tls = new SslStream(client.GetStream());
            await using (tls)
            {
                try
                {
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, cancellationToken);
                    await ReadRequestHeadAsync(tls, cancellationToken);
                    Interlocked.Increment(ref _requests);
                    var head = $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {_body.Length}\r\nConnection: close\r\n\r\n";
                    await tls.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
                    await tls.WriteAsync(_body, cancellationToken);
                    await tls.FlushAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
                {
                    // A client that refused the certificate, or the server stopping.
                }
            }
        }
    }

    // A GET has no body: the request ends at the blank line after its headers.
    private static async Task ReadRequestHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var matched = 0;
        var one = new byte[1];
        while (matched < EndOfHead.Length)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new IOException("The client closed the connection inside the request head.");
            }

            matched = one[0] == EndOfHead[matched] ? matched + 1 : one[0] == EndOfHead[0] ? 1 : 0;
        }
    }
}
