namespace Dashboard.Security;

/// <summary>Authentication scheme and cookie names.</summary>
public static class SecuritySchemes
{
    /// <summary>
    /// The default scheme: a policy scheme that forwards each request to the scheme its credentials belong
    /// to (<see cref="SchemeSelector"/>).
    /// </summary>
    public const string Default = "Dashboard";

    /// <summary>Long-lived cookie of a kiosk display, issued in exchange for a display token.</summary>
    public const string Display = "Display";

    /// <summary><c>Authorization: Bearer</c> or <c>X-Api-Key</c> header with an API key.</summary>
    public const string ApiKey = "ApiKey";

    /// <summary>The OpenID Connect handler; registered only when <c>Auth:Oidc:Authority</c> is set.</summary>
    public const string Oidc = "oidc";

    /// <summary>Cookie of a user who signed in through OpenID Connect.</summary>
    public const string OidcSession = "OidcSession";

    public const string UserCookieName = ".Dashboard.Session";
    public const string DisplayCookieName = ".Dashboard.Display";
    public const string OidcCookieName = ".Dashboard.Sso";
    public const string AntiforgeryCookieName = ".Dashboard.Antiforgery";

    /// <summary>Header that carries an API key as an alternative to <c>Authorization: Bearer</c>.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>Header that carries the anti-forgery request token on state-changing API calls.</summary>
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";
}
