using Dashboard.Security.ApiKeys;
using Microsoft.AspNetCore.Identity;

namespace Dashboard.Security.Web;

/// <summary>
/// Picks the authentication scheme of a request for the default policy scheme, so every request is
/// authenticated by exactly one kind of credential.
/// </summary>
/// <remarks>
/// An API key header wins, so an integration is never judged by a browser cookie. A user cookie comes before
/// a display cookie: signing in replaces a display session (and the display link removes a user session).
/// Without any credential the user cookie scheme handles the request: its challenge redirects to the
/// sign-in page, or returns 401 for the API.
/// </remarks>
public static class SchemeSelector
{
    public static string Select(HttpContext context, bool oidcEnabled)
    {
        var request = context.Request;
        if (ApiKeyAuthenticationHandler.HasKey(request))
        {
            return SecuritySchemes.ApiKey;
        }

        if (request.Cookies.ContainsKey(SecuritySchemes.UserCookieName))
        {
            return IdentityConstants.ApplicationScheme;
        }

        if (oidcEnabled && request.Cookies.ContainsKey(SecuritySchemes.OidcCookieName))
        {
            return SecuritySchemes.OidcSession;
        }

        if (request.Cookies.ContainsKey(SecuritySchemes.DisplayCookieName))
        {
            return SecuritySchemes.Display;
        }

        return IdentityConstants.ApplicationScheme;
    }

    /// <summary>Returns whether the request is for the HTTP API, which returns 401 and 403 instead of redirecting.</summary>
    public static bool IsApiRequest(HttpRequest request) => request.Path.StartsWithSegments("/api");
}
