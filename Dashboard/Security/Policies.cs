using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Dashboard.Security;

/// <summary>
/// Names of the authorization policies that pages, components and endpoints require, for example
/// <c>@attribute [Authorize(Policy = Policies.Acknowledge)]</c>, <c>&lt;AuthorizeView Policy="@Policies.Shelve"&gt;</c>
/// or <c>.RequireAuthorization(Policies.Acknowledge)</c>.
/// </summary>
/// <remarks>
/// Each policy admits a fixed set of roles (<see cref="Matrix"/>). Every policy except <see cref="View"/> also
/// rejects kiosk display sessions, whatever roles their principal carries, so a wall screen can never change
/// anything.
/// </remarks>
public static class Policies
{
    /// <summary>Read pages and the read API. Also the fallback policy of every endpoint that names none.</summary>
    public const string View = "CanView";

    /// <summary>Acknowledge alerts.</summary>
    public const string Acknowledge = "CanAcknowledge";

    /// <summary>Shelve alerts for a while.</summary>
    public const string Shelve = "CanShelve";

    /// <summary>Use the maintenance planning views.</summary>
    public const string Plan = "CanPlan";

    /// <summary>Create and change alert rules.</summary>
    public const string EditAlertRules = "CanEditAlertRules";

    /// <summary>Mark an asset out of service, which silences its alerts.</summary>
    public const string SetOutOfService = "CanSetOutOfService";

    /// <summary>Manage users and their roles, kiosk display tokens and API keys, and read the audit log.</summary>
    public const string Administer = "CanAdminister";

    /// <summary>The roles each policy admits; docs/security.md shows the same table.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Matrix = new Dictionary<string, IReadOnlyList<string>>
    {
        [View] = [Roles.Viewer, Roles.Operator, Roles.Planner, Roles.Admin],
        [Acknowledge] = [Roles.Operator, Roles.Planner, Roles.Admin],
        [Shelve] = [Roles.Planner, Roles.Admin],
        [Plan] = [Roles.Planner, Roles.Admin],
        [EditAlertRules] = [Roles.Admin],
        [SetOutOfService] = [Roles.Admin],
        [Administer] = [Roles.Admin],
    };

    /// <summary>
    /// Adds every policy of <see cref="Matrix"/> and makes <see cref="View"/> the fallback policy, so an
    /// endpoint or page added without an authorization attribute is still protected.
    /// </summary>
    public static void AddDashboardPolicies(this AuthorizationOptions options)
    {
        foreach (var (name, roles) in Matrix)
        {
            options.AddPolicy(name, Build(name, roles));
        }

        options.FallbackPolicy = options.GetPolicy(View);
    }

    private static AuthorizationPolicy Build(string name, IReadOnlyList<string> roles)
    {
        var builder = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(roles);
        if (name != View)
        {
            builder.RequireAssertion(context => !SecurityClaims.IsDisplaySession(context.User));
        }

        return builder.Build();
    }
}

/// <summary>Claim types and helpers that describe how a principal signed in.</summary>
public static class SecurityClaims
{
    /// <summary>Id of the kiosk display token behind a display session; only display sessions carry it.</summary>
    public const string DisplayTokenId = "dashboard:display_token";

    /// <summary>Site that a kiosk display shows; absent when the display shows every site.</summary>
    public const string DisplaySite = "dashboard:display_site";

    /// <summary>Id of the API key behind a request; only API-key principals carry it.</summary>
    public const string ApiKeyId = "dashboard:api_key";

    /// <summary>Returns whether the principal is a kiosk display session.</summary>
    public static bool IsDisplaySession(ClaimsPrincipal user) => user.HasClaim(claim => claim.Type == DisplayTokenId);

    /// <summary>Returns the display token id of a display session, or null for any other principal.</summary>
    public static string? DisplayTokenIdOf(ClaimsPrincipal user) => user.FindFirst(DisplayTokenId)?.Value;

    /// <summary>Returns the name to record in the audit log for whoever acts.</summary>
    public static string ActorName(ClaimsPrincipal user) =>
        user.Identity?.Name is { Length: > 0 } name ? name : "anonymous";
}
