using System.Security.Claims;
using Dashboard.Security.ApiKeys;

namespace Dashboard.Security.Web;

/// <summary>
/// Gives requests without credentials the role in <see cref="SecurityOptions.AnonymousRole"/>, as Grafana's
/// anonymous access does; registered only when that option is set. A request with an API key header is left
/// alone, so a wrong key still gets 401.
/// </summary>
public sealed class AnonymousRoleMiddleware(RequestDelegate next, string role)
{
    public const string AuthenticationType = "Anonymous";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated != true && !ApiKeyAuthenticationHandler.HasKey(context.Request))
        {
            context.User = CreatePrincipal(role);
        }

        return next(context);
    }

    public static ClaimsPrincipal CreatePrincipal(string role) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, "anonymous"),
            new Claim(ClaimTypes.Name, "anonymous"),
            new Claim(ClaimTypes.Role, role),
        ],
        AuthenticationType));
}
