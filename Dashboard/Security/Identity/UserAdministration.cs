using System.Security.Claims;
using Dashboard.Security.Audit;
using Microsoft.AspNetCore.Identity;

namespace Dashboard.Security.Identity;

/// <summary>A local account as the users page lists it.</summary>
public sealed record UserSummary(string Id, string Email, IReadOnlyList<string> Roles, DateTimeOffset? LockedUntil, int FailedAttempts, DateTimeOffset CreatedAt)
{
    public bool IsLocked(DateTimeOffset now) => LockedUntil is { } until && until > now;
}

/// <summary>
/// What administrators do with local accounts: create them, set roles, reset passwords, lock and unlock.
/// Each change is audited and renews the account's security stamp, which ends its open sessions within
/// <see cref="SecurityOptions.SessionCheckInterval"/>, so they sign in again with the new roles or not at all.
/// </summary>
/// <remarks>
/// At least one administrator who is not locked always remains: the last one cannot lose the Admin role or
/// be locked, and no administrator can lock their own account.
/// </remarks>
public sealed class UserAdministration(UserManager<DashboardUser> users, DashboardUserStore store, AuditLog audit, TimeProvider time)
{
    private static readonly IdentityError LastAdministrator = new()
    {
        Code = "LastAdministrator",
        Description = "At least one administrator who is not locked must remain. Give another account the Admin role first.",
    };

    private static readonly IdentityError OwnAccount = new()
    {
        Code = "OwnAccount",
        Description = "You cannot lock your own account.",
    };

    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await store.ListWithRolesAsync(cancellationToken);
        return rows.Select(row => new UserSummary(
            row.User.Id,
            row.User.Email ?? row.User.UserName,
            row.Roles,
            row.User.LockoutEnd,
            row.User.AccessFailedCount,
            row.User.CreatedAt)).ToList();
    }

    /// <summary>Creates an account whose user name is its email address, with the given roles.</summary>
    public async Task<IdentityResult> CreateAsync(string email, string password, IReadOnlyCollection<string> roles, ClaimsPrincipal actor, HttpContext? context, CancellationToken cancellationToken)
    {
        if (CanonicalRoles(roles) is not { } canonical)
        {
            return IdentityResult.Failed(UnknownRole(roles));
        }

        var user = new DashboardUser { UserName = email.Trim(), Email = email.Trim(), EmailConfirmed = true };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            return result;
        }

        result = await users.AddToRolesAsync(user, canonical);
        if (result.Succeeded)
        {
            await audit.RecordAsync(AuditEvent.UserCreated, actor, user.UserName, $"roles {string.Join(", ", canonical)}", context, cancellationToken);
        }

        return result;
    }

    /// <summary>Replaces the account's roles with <paramref name="roles"/>.</summary>
    public async Task<IdentityResult> SetRolesAsync(string userId, IReadOnlyCollection<string> roles, ClaimsPrincipal actor, HttpContext? context, CancellationToken cancellationToken)
    {
        if (CanonicalRoles(roles) is not { } canonical)
        {
            return IdentityResult.Failed(UnknownRole(roles));
        }

        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return IdentityResult.Failed(new IdentityError { Code = "UserNotFound", Description = $"No account has the id '{userId}'." });
        }

        var current = await users.GetRolesAsync(user);
        if (current.Contains(Roles.Admin) && !canonical.Contains(Roles.Admin) && await IsLastActiveAdministratorAsync(user))
        {
            return IdentityResult.Failed(LastAdministrator);
        }

        var removed = current.Except(canonical).ToList();
        var added = canonical.Except(current).ToList();
        var result = removed.Count > 0 ? await users.RemoveFromRolesAsync(user, removed) : IdentityResult.Success;
        if (result.Succeeded && added.Count > 0)
        {
            result = await users.AddToRolesAsync(user, added);
        }

        if (result.Succeeded)
        {
            result = await users.UpdateSecurityStampAsync(user);
        }

        if (result.Succeeded)
        {
            await audit.RecordAsync(AuditEvent.RolesChanged, actor, user.UserName, $"from [{string.Join(", ", current)}] to [{string.Join(", ", canonical)}]", context, cancellationToken);
        }

        return result;
    }

    /// <summary>Sets a new password chosen by the administrator; the account's sessions end.</summary>
    public async Task<IdentityResult> ResetPasswordAsync(string userId, string newPassword, ClaimsPrincipal actor, HttpContext? context, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return IdentityResult.Failed(new IdentityError { Code = "UserNotFound", Description = $"No account has the id '{userId}'." });
        }

        var token = await users.GeneratePasswordResetTokenAsync(user);
        var result = await users.ResetPasswordAsync(user, token, newPassword);
        if (result.Succeeded)
        {
            await audit.RecordAsync(AuditEvent.PasswordReset, actor, user.UserName, null, context, cancellationToken);
        }

        return result;
    }

    /// <summary>Locks the account until an administrator unlocks it; its sessions end.</summary>
    public async Task<IdentityResult> LockAsync(string userId, ClaimsPrincipal actor, HttpContext? context, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return IdentityResult.Failed(new IdentityError { Code = "UserNotFound", Description = $"No account has the id '{userId}'." });
        }

        if (users.GetUserId(actor) == user.Id)
        {
            return IdentityResult.Failed(OwnAccount);
        }

        if (await users.IsInRoleAsync(user, Roles.Admin) && await IsLastActiveAdministratorAsync(user))
        {
            return IdentityResult.Failed(LastAdministrator);
        }

        var result = await users.SetLockoutEnabledAsync(user, true);
        if (result.Succeeded)
        {
            result = await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
        }

        if (result.Succeeded)
        {
            result = await users.UpdateSecurityStampAsync(user);
        }

        if (result.Succeeded)
        {
            await audit.RecordAsync(AuditEvent.UserLocked, actor, user.UserName, null, context, cancellationToken);
        }

        return result;
    }

    /// <summary>Ends a lockout, whether an administrator or failed sign-ins caused it, and clears the failure count.</summary>
    public async Task<IdentityResult> UnlockAsync(string userId, ClaimsPrincipal actor, HttpContext? context, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return IdentityResult.Failed(new IdentityError { Code = "UserNotFound", Description = $"No account has the id '{userId}'." });
        }

        var result = await users.SetLockoutEndDateAsync(user, null);
        if (result.Succeeded)
        {
            result = await users.ResetAccessFailedCountAsync(user);
        }

        if (result.Succeeded)
        {
            await audit.RecordAsync(AuditEvent.UserUnlocked, actor, user.UserName, null, context, cancellationToken);
        }

        return result;
    }

    /// <summary>Returns whether any account has the Admin role.</summary>
    public async Task<bool> AnyAdministratorAsync() => (await users.GetUsersInRoleAsync(Roles.Admin)).Count > 0;

    /// <summary>Creates an administrator for the first start, from configuration or the setup page.</summary>
    public async Task<IdentityResult> CreateAdministratorAsync(string email, string password, CancellationToken cancellationToken)
    {
        var user = new DashboardUser { UserName = email.Trim(), Email = email.Trim(), EmailConfirmed = true };
        var result = await users.CreateAsync(user, password);
        return result.Succeeded ? await users.AddToRoleAsync(user, Roles.Admin) : result;
    }

    private async Task<bool> IsLastActiveAdministratorAsync(DashboardUser user)
    {
        var now = time.GetUtcNow();
        var others = (await users.GetUsersInRoleAsync(Roles.Admin))
            .Where(admin => admin.Id != user.Id && (admin.LockoutEnd is not { } end || end <= now));
        return !others.Any();
    }

    private static List<string>? CanonicalRoles(IReadOnlyCollection<string> roles)
    {
        var canonical = roles.Select(Roles.Canonical).ToList();
        return canonical.Count == 0 || canonical.Any(role => role is null) ? null : canonical.Distinct().Select(role => role!).ToList();
    }

    private static IdentityError UnknownRole(IReadOnlyCollection<string> roles) => new()
    {
        Code = "InvalidRoles",
        Description = $"Choose at least one role of {string.Join(", ", Roles.All)}; the request named [{string.Join(", ", roles)}].",
    };
}
