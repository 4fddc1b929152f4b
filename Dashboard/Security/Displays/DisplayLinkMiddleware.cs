using Dashboard.Security.Audit;
using Dashboard.Security.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Identity;

namespace Dashboard.Security.Displays;

/// <summary>
/// Exchanges a display link, <c>/wall?token=…</c> or <c>/wall/{site}?token=…</c>, for a long-lived display
/// session cookie and redirects to the same address without the token, so the secret leaves the address
/// bar, the browser history and later request logs.
/// </summary>
/// <remarks>
/// A display session replaces a user session in the same browser: a wall screen must not keep an
/// operator's permissions. An unknown or revoked token leads to the sign-in page with a notice.
/// </remarks>
public sealed class DisplayLinkMiddleware(RequestDelegate next, DisplayTokenService tokens, AuditLog audit, ClientRateLimiter limiter)
{
    public const string WallPath = "/wall";
    public const string TokenParameter = "token";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(WallPath) || !context.Request.Query.TryGetValue(TokenParameter, out var values))
        {
            await next(context);
            return;
        }

        using var lease = await limiter.AcquireAsync(context);
        if (!lease.IsAcquired)
        {
            await ClientRateLimiter.WriteRejectionAsync(context);
            return;
        }

        var secret = values.ToString();
        var token = secret.Length == 0 ? null : await tokens.FindActiveBySecretAsync(secret, context.RequestAborted);
        if (token is null)
        {
            await audit.RecordAsync(AuditEvent.DisplayLinkRejected, null, null, "unknown or revoked display token", AuditLog.RemoteAddress(context), context.RequestAborted);
            context.Response.Redirect($"/signin?{SignInPageNotice.QueryName}={SignInPageNotice.DisplayLinkInvalid}");
            return;
        }

        await context.SignOutAsync(IdentityConstants.ApplicationScheme);
        if (await HasSchemeAsync(context, SecuritySchemes.OidcSession))
        {
            await context.SignOutAsync(SecuritySchemes.OidcSession);
        }

        await context.SignInAsync(SecuritySchemes.Display, DisplayTokenService.CreatePrincipal(token), new AuthenticationProperties { IsPersistent = true });
        await audit.RecordAsync(AuditEvent.DisplaySessionStarted, $"display {token.Name}", $"display token {token.Id}", null, AuditLog.RemoteAddress(context), context.RequestAborted);
        context.Response.Redirect(WithoutToken(context.Request));
    }

    /// <summary>Returns the request's path and query without the token parameter.</summary>
    internal static string WithoutToken(HttpRequest request)
    {
        var query = new QueryBuilder(request.Query
            .Where(pair => !string.Equals(pair.Key, TokenParameter, StringComparison.OrdinalIgnoreCase))
            .SelectMany(pair => pair.Value.Select(value => new KeyValuePair<string, string>(pair.Key, value ?? string.Empty))));
        return $"{request.PathBase}{request.Path}{query}";
    }

    private static async Task<bool> HasSchemeAsync(HttpContext context, string scheme) =>
        await context.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(scheme) is not null;
}

/// <summary>Ends the cookie session of a display whose token was revoked or deleted.</summary>
public static class DisplaySessionValidator
{
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var tokens = context.HttpContext.RequestServices.GetRequiredService<DisplayTokenService>();
        if (context.Principal is { } principal
            && SecurityClaims.DisplayTokenIdOf(principal) is { } id
            && await tokens.IsActiveAsync(id, context.HttpContext.RequestAborted))
        {
            return;
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(SecuritySchemes.Display);
    }
}
