using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Pipeline.Common.Sources;

/// <summary>
/// Reads http(s) images through one shared <see cref="HttpClient"/>. Identity is a strong ETag when the
/// server sends one, otherwise the SHA-256 of the bytes.
/// </summary>
/// <remarks>
/// Http hosts are third parties, so every failure is a per-image failure, never an outage:
/// 404/410 → NotFound; other 4xx and 3xx (too many redirects, https→http) → FetchFailed;
/// 5xx, 408, 429 and dropped connections are retried (the <c>http-fetch</c> Polly pipeline: exponential back-off
/// with jitter, or the server's Retry-After), then FetchFailed;
/// no complete answer within <see cref="FetchOptions.HttpTimeout"/> → Timeout (not retried).
/// The <see cref="UriPolicy"/> is applied to the URL, to every redirect (followed here, not by the handler)
/// and, unless private networks are allowed, to every address the host resolves to → Refused.
/// </remarks>
public sealed class HttpImageFetcher : IImageFetcher, IDisposable
{
    private readonly HttpClient _client;
    private readonly FetchOptions _options;
    private readonly UriPolicy _policy;
    private readonly TimeProvider _timeProvider;
    private readonly ResiliencePipeline _retry;

    /// <summary>A fetcher for http(s) URLs within <paramref name="policy"/> (scheme, private networks)
    /// and <paramref name="options"/>' size limit, timeout and retries (<c>http-fetch</c> pipeline on <paramref name="timeProvider"/>).</summary>
    public HttpImageFetcher(IOptions<FetchOptions> options, UriPolicy policy, TimeProvider timeProvider, ILogger<HttpImageFetcher> logger)
        : this(Validated(options), policy, null, timeProvider, logger)
    {
    }

    /// <param name="handler">Replaces the network in tests; null builds the production <see cref="SocketsHttpHandler"/>.</param>
    internal HttpImageFetcher(FetchOptions options, UriPolicy policy, HttpMessageHandler? handler, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        FetchOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _policy = policy;
        _timeProvider = timeProvider;
        _retry = CreateRetry(logger);
        _client = new HttpClient(handler ?? CreateHandler(options, policy), disposeHandler: true)
        {
            // Our own per-attempt timeout (TimeProvider-driven) replaces HttpClient's.
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        if (!string.IsNullOrWhiteSpace(options.HttpUserAgent))
        {
            _client.DefaultRequestHeaders.UserAgent.ParseAdd(options.HttpUserAgent);
        }
        _client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("image/*"));
        _client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*", 0.8));
    }

    /// <inheritdoc/>
    public async ValueTask<FetchedImage> FetchAsync(string uri, CancellationToken cancellationToken)
    {
        var image = _policy.Check(uri);
        if (image.Kind == ImageUriKind.File)
        {
            throw new ImageFailureException(FailureReason.InvalidUri, $"{image} is not an http(s) URL");
        }

        var attempts = _options.HttpRetries + 1;
        try
        {
            return await _retry.ExecuteAsync(
                static (state, token) => state.Self.AttemptAsync(state.Image, token), (Self: this, Image: image), cancellationToken).ConfigureAwait(false);
        }
        catch (RetryableFetchException ex)
        {
            // The last attempt's problem, after all of them met one (classification below, in AttemptAsync).
            throw new ImageFailureException(FailureReason.FetchFailed, ex.FinalMessage(image, attempts), ex.InnerException);
        }
    }

    /// <summary>
    /// One request (redirects followed). Success returns the image; a failure of the image throws
    /// <see cref="ImageFailureException"/> (not retried); 5xx, 408, 429 and dropped connections throw
    /// <see cref="RetryableFetchException"/>, which the <c>http-fetch</c> pipeline retries.
    /// </summary>
    private async ValueTask<FetchedImage> AttemptAsync(ImageUri image, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.HttpTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await SendFollowingRedirectsAsync(image, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return await ReadAsync(image, response, linked.Token).ConfigureAwait(false);
            }
            if (status is 404 or 410)
            {
                throw new ImageFailureException(FailureReason.NotFound, $"{image} answered HTTP {status}");
            }
            if (!IsRetryable(status))
            {
                var why = status is >= 300 and < 400 ? " (no redirect to follow)" : "";
                throw new ImageFailureException(FailureReason.FetchFailed, $"{image} answered HTTP {status}{why}");
            }
            throw new RetryableFetchException(image, $"answered HTTP {status}", null, RetryAfter(response.Headers.RetryAfter), null);
        }
        catch (HttpRequestException ex) when (ex.InnerException is ImageFailureException refusal)
        {
            // From the connect callback: the host resolved to an address the policy refuses.
            throw new ImageFailureException(refusal.Reason, $"{image} refused by the URI policy: {refusal.Message}", ex);
        }
        catch (Exception ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested
            && ex is OperationCanceledException or HttpRequestException or IOException)
        {
            throw new ImageFailureException(FailureReason.Timeout, $"{image} gave no complete answer within {_options.HttpTimeout}", ex);
        }
        catch (HttpRequestException ex) when (!IsTransient(ex.HttpRequestError))
        {
            // TLS, protocol and limit errors are properties of the host: another try would end the same.
            throw new ImageFailureException(FailureReason.FetchFailed, $"{image} failed: {ex.HttpRequestError}", ex);
        }
        catch (Exception ex) when ((ex is HttpRequestException or IOException) && !cancellationToken.IsCancellationRequested)
        {
            // Refused or reset connections, failed DNS, a body cut short: worth another try.
            throw new RetryableFetchException(image, "failed", Describe(ex), null, ex);
        }
    }

    /// <summary>
    /// The <c>http-fetch</c> retry pipeline: <see cref="FetchOptions.HttpRetries"/> retries, exponential back-off with
    /// jitter from <see cref="FetchOptions.HttpRetryDelay"/> capped at <see cref="FetchOptions.HttpMaxRetryDelay"/>; a
    /// server's Retry-After, when given, is the wait instead (capped the same).
    /// </summary>
    private ResiliencePipeline CreateRetry(ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder { Name = "http-fetch", TimeProvider = _timeProvider };
        if (_options.HttpRetries == 0)
        {
            return builder.Build();
        }

        return builder.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<RetryableFetchException>(),
            MaxRetryAttempts = _options.HttpRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _options.HttpRetryDelay,
            MaxDelay = _options.HttpMaxRetryDelay,
            DelayGenerator = args => ValueTask.FromResult(
                args.Outcome.Exception is RetryableFetchException { RetryAfter: { } after }
                    ? (TimeSpan?)(after > _options.HttpMaxRetryDelay ? _options.HttpMaxRetryDelay : after < TimeSpan.Zero ? TimeSpan.Zero : after)
                    : null),
            OnRetry = args =>
            {
                if (logger.IsEnabled(LogLevel.Debug) && args.Outcome.Exception is RetryableFetchException problem)
                {
                    var redacted = problem.Image.ToString();
                    SourcesLog.RetryingHttpFetch(logger, redacted, args.RetryDelay, problem.Problem, args.AttemptNumber + 2, _options.HttpRetries + 1);
                }

                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _client.Dispose();

    // Redirects are followed here so that the policy sees each target before we connect to it.
    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(ImageUri image, CancellationToken cancellationToken)
    {
        var target = image.Uri;
        for (var redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, target);
            var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
            {
                return response;
            }
            response.Dispose();
            if (redirects >= _options.HttpMaxRedirects)
            {
                throw new ImageFailureException(FailureReason.FetchFailed, $"{image} redirected more than {_options.HttpMaxRedirects} times");
            }
            var next = RedirectTarget(image, target, location);
            _policy.CheckRedirect(image, next);
            if (target.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp)
            {
                throw new ImageFailureException(FailureReason.FetchFailed, $"{image} redirected from https to http");
            }
            target = next;
        }
    }

    // A Location such as '//127.0.0.1:99999/x.jpg' or '//bad host/x.jpg' parses as a relative reference but not
    // against the base; whatever the server wrote, an unusable target is this image's failure.
    private static Uri RedirectTarget(ImageUri image, Uri current, Uri location)
    {
        try
        {
            var next = location.IsAbsoluteUri ? location : new Uri(current, location);
            _ = next.AbsoluteUri;
            return next;
        }
        catch (Exception ex) when (ex is UriFormatException or InvalidOperationException)
        {
            throw new ImageFailureException(FailureReason.FetchFailed, $"{image} redirected to a target that does not parse: {ex.Message}", ex);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private async Task<FetchedImage> ReadAsync(ImageUri image, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // HTML served as an image is left to the decoder, which fails it as Undecodable.
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var (buffer, length) = await BoundedStreamReader.ReadAsync(
                body, response.Content.Headers.ContentLength, _options.MaxBytes, image.ToString(), cancellationToken).ConfigureAwait(false);
            var data = buffer.AsSpan(0, length);
            var contentId = response.Headers.ETag is { IsWeak: false } etag
                ? ContentIds.ForETag(etag.Tag) ?? ContentIds.ForSha256(data)
                : ContentIds.ForSha256(data);
            return FetchedImage.Pooled(image.Value, contentId, buffer, length);
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _timeProvider.GetUtcNow(),
        _ => null,
    };

    private static bool IsRetryable(int status) => status is 408 or 429 or >= 500;

    private static bool IsTransient(HttpRequestError error) => error is HttpRequestError.Unknown
        or HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
        or HttpRequestError.ResponseEnded or HttpRequestError.ProxyTunnelError;

    private static string Describe(Exception ex) =>
        ex is HttpRequestException { HttpRequestError: var error and not HttpRequestError.Unknown } ? error.ToString() : ex.GetType().Name;

    private static FetchOptions Validated(IOptions<FetchOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Value;
    }

    private static SocketsHttpHandler CreateHandler(FetchOptions options, UriPolicy policy) => new()
    {
        AllowAutoRedirect = false,
        // The address check must see the real destination, not a proxy's.
        UseProxy = policy.AllowPrivateNetworks,
        ConnectCallback = policy.AllowPrivateNetworks
            ? null
            : (context, cancellationToken) => CheckedConnector.ConnectAsync(policy, context.DnsEndPoint, cancellationToken),
        // Images are already compressed; decompressing would only blur the byte limit.
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = options.HttpTimeout,
        // Re-resolve DNS now and then: the client lives as long as the worker.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        UseCookies = false,
    };
}
