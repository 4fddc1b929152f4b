using Dashboard.Hosting;
using Dashboard.Security.Displays;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Dashboard.Security.Identity;

/// <summary>
/// The authentication state of a Blazor circuit, checked again every <see cref="SecurityOptions.SessionCheckInterval"/>:
/// a circuit of a revoked display token, or of a local account that was locked, deleted or changed (a new
/// security stamp), becomes anonymous and shows the not-authorized view.
/// </summary>
/// <remarks>
/// Principals from OpenID Connect, API keys and the anonymous role have nothing local to check and stay valid
/// for the life of the circuit.
/// </remarks>
public sealed class DashboardAuthenticationStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopes,
    DisplayTokenService displayTokens,
    IOptions<SecurityOptions> options,
    IOptions<IdentityOptions> identityOptions,
    TimeProvider time) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<DashboardAuthenticationStateProvider>();

    protected override TimeSpan RevalidationInterval => options.Value.SessionCheckInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var principal = authenticationState.User;
        try
        {
            if (SecurityClaims.DisplayTokenIdOf(principal) is { } tokenId)
            {
                return await displayTokens.IsActiveAsync(tokenId, cancellationToken);
            }

            if (principal.Identity?.AuthenticationType != IdentityConstants.ApplicationScheme)
            {
                return true;
            }

            await using var scope = scopes.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
            if (await users.GetUserAsync(principal) is not { } user)
            {
                return false;
            }

            if (user.LockoutEnd is { } end && end > time.GetUtcNow())
            {
                return false;
            }

            var stamp = principal.FindFirst(identityOptions.Value.ClaimsIdentity.SecurityStampClaimType)?.Value;
            return stamp == user.SecurityStamp;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException)
        {
            // The database is unreachable: keep the circuit and check again at the next interval.
            LogMessages.SessionCheckFailed(_logger, e, RevalidationInterval);
            return true;
        }
    }
}
