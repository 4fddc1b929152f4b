using Microsoft.AspNetCore.Authentication.Cookies;

namespace Dashboard.Security.Web;

/// <summary>Settings shared by the session cookies of users, OpenID Connect users and kiosk displays.</summary>
public static class SessionCookies
{
    /// <summary>
    /// Makes the cookie HttpOnly, SameSite=Lax (so the OpenID Connect redirect back keeps it), Secure on HTTPS
    /// requests, and sliding over <paramref name="lifetime"/>; pages redirect to /signin and /access-denied,
    /// API requests get 401 and 403.
    /// </summary>
    public static void Configure(CookieAuthenticationOptions options, string cookieName, TimeSpan lifetime)
    {
        options.Cookie.Name = cookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.ExpireTimeSpan = lifetime;
        options.SlidingExpiration = true;
        options.LoginPath = "/signin";
        options.AccessDeniedPath = "/access-denied";
        options.ReturnUrlParameter = "ReturnUrl";
        ApiChallenge.Apply(options.Events);
    }
}
