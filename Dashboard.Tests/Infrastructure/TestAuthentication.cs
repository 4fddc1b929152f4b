using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// A test-only sign-in: every request is authenticated as the user named in the <c>X-Test-User</c> header,
/// or as <see cref="DefaultUser"/> without it, so tests can tell users apart in the alert journal before
/// the app has real accounts. Register it with <see cref="Add"/> in <see cref="DashboardHostOptions.Configure"/>.
/// </summary>
public sealed class TestAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";
    public const string UserHeader = "X-Test-User";
    public const string DefaultUser = "operator.olsen";

    /// <summary>Makes the test scheme the app's default authentication scheme.</summary>
    public static void Add(WebApplicationBuilder builder) =>
        builder.Services.AddAuthentication(SchemeName).AddScheme<AuthenticationSchemeOptions, TestAuthentication>(SchemeName, _ => { });

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var name = Request.Headers.TryGetValue(UserHeader, out var header) && !string.IsNullOrWhiteSpace(header) ? header.ToString() : DefaultUser;
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, "Operator")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
