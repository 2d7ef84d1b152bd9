using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Pipeline.Scheduler.Serving;

/// <summary>The optional bearer token of <c>pipeline serve</c>, compared in constant time.</summary>
internal sealed class ServeToken(IOptions<ServeOptions> options)
{
    /// <summary>HttpOnly, SameSite=Strict cookie holding the token after the login form.</summary>
    public const string CookieName = "pipeline_token";

    private readonly byte[]? _token = string.IsNullOrEmpty(options.Value.BearerToken) ? null : Encoding.UTF8.GetBytes(options.Value.BearerToken);

    public bool IsRequired => _token is not null;

    public bool Matches(string? candidate) =>
        _token is not null && candidate is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _token);
}
