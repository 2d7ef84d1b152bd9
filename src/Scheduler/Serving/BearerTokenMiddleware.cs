using Microsoft.AspNetCore.Http;

namespace Pipeline.Scheduler.Serving;

/// <summary>
/// With <see cref="ServeOptions.BearerToken"/> set, lets a request through only with <c>Authorization: Bearer &lt;token&gt;</c>
/// or the HttpOnly cookie that <c>POST /login</c> sets; health probes and the login form stay open.
/// </summary>
internal sealed class BearerTokenMiddleware(RequestDelegate next, ServeToken token)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path;
        if (!token.IsRequired || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/login"))
        {
            return next(context);
        }

        if (token.Matches(BearerOf(context.Request)) || token.Matches(context.Request.Cookies[ServeToken.CookieName]))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return path.StartsWithSegments("/api") || path.StartsWithSegments("/metrics")
            ? context.Response.WriteAsJsonAsync(new { error = "a bearer token is required" })
            : Pages.Html.WriteAsync(context, Pages.LoginPage.Render(failed: false), StatusCodes.Status401Unauthorized);
    }

    private static string? BearerOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }
}
