namespace Pipeline.Scheduler.Serving.Pages;

/// <summary>The token form shown when <c>PIPELINE_Serve__BearerToken</c> is set and the browser has no cookie yet.</summary>
internal static class LoginPage
{
    public static string Render(bool failed) => Html.Layout(
        "Sign in",
        (failed ? Html.Error("That token is not right.") : string.Empty) +
        """
        <form method="post" action="/login" class="bar">
        <label>Bearer token<input type="password" name="token" autocomplete="current-password" required></label>
        <button type="submit">Sign in</button></form>
        <p class="muted">The token is kept in an HttpOnly cookie for this site only.</p>
        """);
}
