using System.Security.Claims;
using Dashboard.Hosting;
using Dashboard.Security.Audit;
using Dashboard.Security.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace Dashboard.Security.Oidc;

/// <summary>
/// Optional sign-in through an OpenID Connect provider such as Microsoft Entra ID or Keycloak, with the
/// provider's role or group claim mapped to dashboard roles (<see cref="OidcSettings"/>).
/// </summary>
/// <remarks>
/// The provider's accounts are not copied into <c>auth_users</c>: the roles are read from the ID token at
/// each sign-in and kept in the <see cref="SecuritySchemes.OidcSession"/> cookie, so a role change at the
/// provider takes effect at the next sign-in, at the latest after <see cref="SecurityOptions.UserSessionLifetime"/>
/// of inactivity. An account without a mapped role is rejected.
/// </remarks>
public static class OidcSignIn
{
    /// <summary>Adds the session cookie and the OpenID Connect handler (authorization code flow with PKCE).</summary>
    public static AuthenticationBuilder AddDashboardOidc(this AuthenticationBuilder builder, SecurityOptions security)
    {
        var settings = security.Oidc;
        builder.AddCookie(SecuritySchemes.OidcSession, options => SessionCookies.Configure(options, SecuritySchemes.OidcCookieName, security.UserSessionLifetime));
        builder.AddOpenIdConnect(SecuritySchemes.Oidc, settings.DisplayName, options =>
        {
            options.Authority = settings.Authority;
            options.ClientId = settings.ClientId;
            options.ClientSecret = settings.ClientSecret;
            options.ResponseType = "code";
            options.UsePkce = true;
            options.CallbackPath = settings.CallbackPath;
            options.SignInScheme = SecuritySchemes.OidcSession;
            options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            options.SaveTokens = false;
            options.MapInboundClaims = false;
            options.Scope.Add("email");
            options.Scope.Add("profile");
            options.Events.OnTokenValidated = OnTokenValidatedAsync;
            options.Events.OnRemoteFailure = context =>
            {
                context.Response.Redirect($"/signin?{SignInPageNotice.QueryName}={SignInPageNotice.SingleSignOnFailed}");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
        return builder;
    }

    /// <summary>Returns the dashboard roles that the values of the configured role claim map to, without duplicates.</summary>
    public static IReadOnlyList<string> MapRoles(IEnumerable<string> claimValues, OidcSettings settings)
    {
        var roles = new List<string>();
        foreach (var value in claimValues)
        {
            var role = settings.RoleMapping.TryGetValue(value, out var mapped) ? Roles.Canonical(mapped) : Roles.Canonical(value);
            if (role is not null && !roles.Contains(role))
            {
                roles.Add(role);
            }
        }

        return roles;
    }

    /// <summary>
    /// Returns the dashboard principal for a provider's principal: its subject, name, email and mapped roles.
    /// Returns null when no role is mapped.
    /// </summary>
    public static ClaimsPrincipal? CreatePrincipal(ClaimsPrincipal external, OidcSettings settings)
    {
        var roles = MapRoles(external.FindAll(settings.RoleClaim).Select(claim => claim.Value), settings);
        if (roles.Count == 0)
        {
            return null;
        }

        var subject = external.FindFirst("sub")?.Value ?? external.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "unknown";
        var name = external.FindFirst(settings.NameClaim)?.Value ?? external.FindFirst("email")?.Value ?? subject;
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, $"oidc:{subject}"),
            new(ClaimTypes.Name, name),
        };
        if (external.FindFirst("email")?.Value is { } email)
        {
            claims.Add(new Claim(ClaimTypes.Email, email));
        }

        claims.AddRange(roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, SecuritySchemes.Oidc));
    }

    private static async Task OnTokenValidatedAsync(TokenValidatedContext context)
    {
        var settings = context.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<SecurityOptions>>().Value.Oidc;
        var audit = context.HttpContext.RequestServices.GetRequiredService<AuditLog>();
        var external = context.Principal ?? new ClaimsPrincipal();
        var mapped = CreatePrincipal(external, settings);
        var name = external.FindFirst(settings.NameClaim)?.Value ?? external.FindFirst("sub")?.Value ?? "unknown";
        if (mapped is null)
        {
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn));
            LogMessages.OidcSignInRejected(logger, name, settings.RoleClaim);
            await audit.RecordAsync(AuditEvent.SignInFailed, name, name, $"single sign-on: no value of claim '{settings.RoleClaim}' maps to a role", AuditLog.RemoteAddress(context.HttpContext));
            context.Fail($"The account has no value of claim '{settings.RoleClaim}' that maps to a dashboard role.");
            return;
        }

        context.Principal = mapped;
        await audit.RecordAsync(AuditEvent.SignedIn, mapped, mapped.Identity?.Name, "single sign-on", context.HttpContext);
    }
}
