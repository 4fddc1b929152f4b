namespace Dashboard.Security.Identity;

/// <summary>A local account, stored in <c>auth_users</c>. The email address is also the user name.</summary>
public sealed class DashboardUser
{
    public string Id { get; set; } = Guid.NewGuid().ToString("N");

    public string UserName { get; set; } = string.Empty;

    /// <summary>Upper-case form of <see cref="UserName"/> that Identity's normalizer produces, for lookups.</summary>
    public string NormalizedUserName { get; set; } = string.Empty;

    public string? Email { get; set; }

    public string? NormalizedEmail { get; set; }

    public bool EmailConfirmed { get; set; }

    /// <summary>Identity's PBKDF2 hash of the password; null for an account without a password.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Changes whenever credentials, roles or the lockout change; sessions with an older stamp are ended.</summary>
    public string SecurityStamp { get; set; } = Guid.NewGuid().ToString("N");

    /// <summary>Changes on every update, so two admins editing the same account cannot overwrite each other.</summary>
    public string ConcurrencyStamp { get; set; } = Guid.NewGuid().ToString("N");

    public bool LockoutEnabled { get; set; } = true;

    /// <summary>End of the current lockout; null or past when the account is not locked.</summary>
    public DateTimeOffset? LockoutEnd { get; set; }

    /// <summary>Failed sign-ins since the last successful one.</summary>
    public int AccessFailedCount { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A role, stored in <c>auth_roles</c>; migration 0003 seeds the four of <see cref="Roles"/>.</summary>
public sealed class DashboardRole
{
    public string Id { get; set; } = Guid.NewGuid().ToString("N");

    public string Name { get; set; } = string.Empty;

    public string NormalizedName { get; set; } = string.Empty;

    public string ConcurrencyStamp { get; set; } = Guid.NewGuid().ToString("N");
}
