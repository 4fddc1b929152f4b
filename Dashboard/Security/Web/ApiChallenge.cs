using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics;

namespace Dashboard.Security.Web;

/// <summary>
/// Cookie events that respond to API requests with 401 and 403 problem details instead of redirecting them to
/// the sign-in or access-denied page.
/// </summary>
public static class ApiChallenge
{
    public static void Apply(CookieAuthenticationEvents events)
    {
        var redirectToLogin = events.OnRedirectToLogin;
        var redirectToAccessDenied = events.OnRedirectToAccessDenied;
        events.OnRedirectToLogin = context => SchemeSelector.IsApiRequest(context.Request)
            ? WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized)
            : redirectToLogin(context);
        events.OnRedirectToAccessDenied = context => SchemeSelector.IsApiRequest(context.Request)
            ? WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden)
            : redirectToAccessDenied(context);
    }

    /// <summary>Writes a 401 or 403 problem response and keeps the status code pages from replacing it.</summary>
    public static Task WriteAsync(HttpContext context, int statusCode)
    {
        context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
        var detail = statusCode == StatusCodes.Status401Unauthorized
            ? $"Send an API key as 'Authorization: Bearer <key>' or '{SecuritySchemes.ApiKeyHeader}: <key>', or sign in."
            : "Your role does not allow this call; docs/security.md lists what each role may do.";
        return Results.Problem(detail: detail, statusCode: statusCode).ExecuteAsync(context);
    }
}
