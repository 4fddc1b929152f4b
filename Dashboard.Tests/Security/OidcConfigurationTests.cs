using System.Security.Claims;
using Dashboard.Security;
using Dashboard.Security.Oidc;
using Dashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Security;

/// <summary>
/// OpenID Connect by configuration: the role mapping, and that the handler is registered (and only then).
/// No identity provider is reachable here, so no sign-in runs; the authority points at a closed local port.
/// </summary>
public sealed class OidcConfigurationTests
{
    private static readonly OidcSettings Settings = new()
    {
        Authority = "https://127.0.0.1:9/realms/plant",
        ClientId = "dashboard",
        RoleClaim = "groups",
        RoleMapping = new(StringComparer.OrdinalIgnoreCase) { ["plant-supervisors"] = "Operator", ["maintenance-planning"] = "Planner" },
    };

    [Fact]
    public void MapRoles_UsesMappingAndRoleNames()
    {
        var roles = OidcSignIn.MapRoles(["PLANT-SUPERVISORS", "viewer", "unrelated", "maintenance-planning", "Operator"], Settings);

        Assert.Equal([Roles.Operator, Roles.Viewer, Roles.Planner], roles);
    }

    [Fact]
    public void CreatePrincipal_CarriesMappedRolesAndName()
    {
        var external = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("sub", "42"), new Claim("preferred_username", "jane"), new Claim("groups", "plant-supervisors")], "oidc"));

        var principal = OidcSignIn.CreatePrincipal(external, Settings)!;

        Assert.Equal("jane", principal.Identity!.Name);
        Assert.Equal("oidc:42", principal.FindFirst(ClaimTypes.NameIdentifier)!.Value);
        Assert.Equal([Roles.Operator], principal.FindAll(ClaimTypes.Role).Select(claim => claim.Value));
    }

    [Fact]
    public void CreatePrincipal_WithoutRole_IsRejected()
    {
        var external = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "42"), new Claim("groups", "unrelated")], "oidc"));

        Assert.Null(OidcSignIn.CreatePrincipal(external, Settings));
    }

    [Fact]
    public async Task Configured_RegistersHandlerAndButton()
    {
        await using var host = await DashboardHost.StartAsync(new DashboardHostOptions
        {
            Settings = new Dictionary<string, string?>
            {
                ["Auth:Oidc:Authority"] = Settings.Authority,
                ["Auth:Oidc:ClientId"] = Settings.ClientId,
                ["Auth:Oidc:ClientSecret"] = "oidc-secret-" + Guid.NewGuid().ToString("N"),
                ["Auth:Oidc:RoleClaim"] = "groups",
                ["Auth:Oidc:RoleMapping:plant-supervisors"] = "Operator",
                ["Auth:Oidc:DisplayName"] = "Sign in with Keycloak",
            },
        });

        var scheme = await host.Get<IAuthenticationSchemeProvider>().GetSchemeAsync(SecuritySchemes.Oidc);
        var options = host.Get<IOptionsMonitor<OpenIdConnectOptions>>().Get(SecuritySchemes.Oidc);
        var mapping = host.Get<IOptions<SecurityOptions>>().Value.Oidc.RoleMapping;
        using var anonymous = new SessionClient(host.BaseAddress);
        var page = await anonymous.Http.GetStringAsync("/signin");

        Assert.NotNull(scheme);
        Assert.Equal(Settings.Authority, options.Authority);
        Assert.Equal("dashboard", options.ClientId);
        Assert.Equal("code", options.ResponseType);
        Assert.True(options.UsePkce);
        Assert.Equal(SecuritySchemes.OidcSession, options.SignInScheme);
        Assert.Equal("Operator", mapping["plant-supervisors"]);
        Assert.Contains("Sign in with Keycloak", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Default_RegistersNoHandler()
    {
        await using var host = await DashboardHost.StartAsync();

        var scheme = await host.Get<IAuthenticationSchemeProvider>().GetSchemeAsync(SecuritySchemes.Oidc);

        Assert.Null(scheme);
    }
}
