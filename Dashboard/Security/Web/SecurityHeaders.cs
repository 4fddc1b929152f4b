using System.Security.Cryptography;

namespace Dashboard.Security.Web;

/// <summary>
/// Adds the security headers to every response: a Content-Security-Policy that runs only the app's own
/// scripts, <c>X-Content-Type-Options</c>, <c>Referrer-Policy</c> and framing protection.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>script-src 'self'</c> plus a per-request nonce, which only the import map that App.razor renders
/// inline carries. Blazor, MudBlazor, ApexCharts and the chart module are files under the app's origin.</item>
/// <item><c>style-src 'unsafe-inline'</c>: MudBlazor and ApexCharts set inline styles and add style elements.</item>
/// <item><c>connect-src 'self' ws: wss:</c>: the Blazor circuit is a WebSocket to the same host, which
/// Chromium 120 and older do not count as <c>'self'</c>.</item>
/// <item><c>frame-ancestors 'none'</c> and <c>X-Frame-Options: DENY</c>: no page may be framed, against clickjacking.</item>
/// </list>
/// </remarks>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    private const string NonceItem = "Dashboard.CspNonce";

    public Task InvokeAsync(HttpContext context)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceItem] = nonce;
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
        return next(context);
    }

    /// <summary>Returns the nonce of this request's Content-Security-Policy, for the inline import map.</summary>
    public static string? Nonce(HttpContext? context) => context?.Items[NonceItem] as string;

    public static string ContentSecurityPolicy(string nonce) => string.Join(
        "; ",
        "default-src 'self'",
        $"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'");
}
