namespace Dashboard.Security;

/// <summary>
/// Names of the roles a user, API key or OpenID Connect account can hold. Migration 0003 seeds them, and
/// docs/security.md lists what each may do.
/// </summary>
public static class Roles
{
    /// <summary>Reads every page and API; changes nothing.</summary>
    public const string Viewer = "Viewer";

    /// <summary>Shift supervisor: reads and acknowledges alerts.</summary>
    public const string Operator = "Operator";

    /// <summary>Acknowledges and shelves alerts and uses the planning views.</summary>
    public const string Planner = "Planner";

    /// <summary>Manages users, roles, alert rules, kiosk display tokens, API keys and out-of-service states.</summary>
    public const string Admin = "Admin";

    /// <summary>Every role, from the fewest permissions to the most.</summary>
    public static readonly IReadOnlyList<string> All = [Viewer, Operator, Planner, Admin];

    /// <summary>Returns the role's canonical spelling for a case-insensitive match, or null for an unknown name.</summary>
    public static string? Canonical(string? name) =>
        All.FirstOrDefault(role => string.Equals(role, name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
