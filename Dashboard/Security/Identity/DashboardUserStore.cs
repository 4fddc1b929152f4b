using System.Data.Common;
using Dashboard.Security.Data;
using Microsoft.AspNetCore.Identity;

namespace Dashboard.Security.Identity;

/// <summary>
/// ASP.NET Core Identity's user store over the <c>auth_users</c> and <c>auth_user_roles</c> tables, for
/// PostgreSQL and SQLite alike.
/// </summary>
/// <remarks>
/// Property setters such as <see cref="SetPasswordHashAsync"/> change only the object; <see cref="UpdateAsync"/>
/// writes it, as <see cref="UserManager{TUser}"/> expects. Role changes are written at once. An update whose
/// concurrency stamp no longer matches the row fails with Identity's concurrency error.
/// </remarks>
public sealed class DashboardUserStore(SecurityDatabase database, TimeProvider time) :
    IUserPasswordStore<DashboardUser>,
    IUserEmailStore<DashboardUser>,
    IUserRoleStore<DashboardUser>,
    IUserSecurityStampStore<DashboardUser>,
    IUserLockoutStore<DashboardUser>
{
    private const string Columns =
        "id, user_name, normalized_user_name, email, normalized_email, email_confirmed, password_hash, " +
        "security_stamp, concurrency_stamp, lockout_enabled, lockout_end, access_failed_count, created_at";

    private static readonly IdentityErrorDescriber Errors = new();

    public void Dispose()
    {
    }

    public async Task<IdentityResult> CreateAsync(DashboardUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        user.CreatedAt = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"INSERT INTO auth_users ({Columns}) VALUES (@id, @userName, @normalizedUserName, @email, @normalizedEmail, @emailConfirmed, " +
            "@passwordHash, @securityStamp, @concurrencyStamp, @lockoutEnabled, @lockoutEnd, @accessFailedCount, @createdAt)");
        AddUserParameters(command, user);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            return IdentityResult.Failed(Errors.DuplicateUserName(user.UserName));
        }

        return IdentityResult.Success;
    }

    public async Task<IdentityResult> UpdateAsync(DashboardUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var expectedStamp = user.ConcurrencyStamp;
        user.ConcurrencyStamp = Guid.NewGuid().ToString("N");
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "UPDATE auth_users SET user_name = @userName, normalized_user_name = @normalizedUserName, email = @email, " +
            "normalized_email = @normalizedEmail, email_confirmed = @emailConfirmed, password_hash = @passwordHash, " +
            "security_stamp = @securityStamp, concurrency_stamp = @concurrencyStamp, lockout_enabled = @lockoutEnabled, " +
            "lockout_end = @lockoutEnd, access_failed_count = @accessFailedCount " +
            "WHERE id = @id AND concurrency_stamp = @expectedStamp");
        AddUserParameters(command, user);
        command.With("@expectedStamp", expectedStamp);
        int rows;
        try
        {
            rows = await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            user.ConcurrencyStamp = expectedStamp;
            return IdentityResult.Failed(Errors.DuplicateUserName(user.UserName));
        }

        if (rows == 0)
        {
            user.ConcurrencyStamp = expectedStamp;
            return IdentityResult.Failed(Errors.ConcurrencyFailure());
        }

        return IdentityResult.Success;
    }

    public async Task<IdentityResult> DeleteAsync(DashboardUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("DELETE FROM auth_users WHERE id = @id AND concurrency_stamp = @stamp")
            .With("@id", user.Id)
            .With("@stamp", user.ConcurrencyStamp);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 0
            ? IdentityResult.Failed(Errors.ConcurrencyFailure())
            : IdentityResult.Success;
    }

    public Task<DashboardUser?> FindByIdAsync(string userId, CancellationToken cancellationToken) =>
        FindOneAsync("id = @value", userId, cancellationToken);

    public Task<DashboardUser?> FindByNameAsync(string normalizedUserName, CancellationToken cancellationToken) =>
        FindOneAsync("normalized_user_name = @value", normalizedUserName, cancellationToken);

    public Task<DashboardUser?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken) =>
        FindOneAsync("normalized_email = @value", normalizedEmail, cancellationToken);

    /// <summary>Returns every user with their role names, ordered by user name, for the admin page.</summary>
    public async Task<IReadOnlyList<(DashboardUser User, IReadOnlyList<string> Roles)>> ListWithRolesAsync(CancellationToken cancellationToken)
    {
        var users = new List<DashboardUser>();
        var roles = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var command = connection.Command($"SELECT {Columns} FROM auth_users ORDER BY normalized_user_name"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                users.Add(ReadUser(reader));
            }
        }

        await using (var command = connection.Command("SELECT ur.user_id, r.name FROM auth_user_roles ur JOIN auth_roles r ON r.id = ur.role_id ORDER BY r.name"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var userId = reader.GetString(0);
                if (!roles.TryGetValue(userId, out var list))
                {
                    roles[userId] = list = [];
                }

                list.Add(reader.GetString(1));
            }
        }

        return users.Select(user => (user, (IReadOnlyList<string>)(roles.GetValueOrDefault(user.Id) ?? []))).ToList();
    }

    public Task<string> GetUserIdAsync(DashboardUser user, CancellationToken cancellationToken) => Task.FromResult(user.Id);

    public Task<string?> GetUserNameAsync(DashboardUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.UserName);

    public Task SetUserNameAsync(DashboardUser user, string? userName, CancellationToken cancellationToken)
    {
        user.UserName = userName ?? string.Empty;
        return Task.CompletedTask;
    }

    public Task<string?> GetNormalizedUserNameAsync(DashboardUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.NormalizedUserName);

    public Task SetNormalizedUserNameAsync(DashboardUser user, string? normalizedName, CancellationToken cancellationToken)
    {
        user.NormalizedUserName = normalizedName ?? string.Empty;
        return Task.CompletedTask;
    }

    public Task SetPasswordHashAsync(DashboardUser user, string? passwordHash, CancellationToken cancellationToken)
    {
        user.PasswordHash = passwordHash;
        return Task.CompletedTask;
    }

    public Task<string?> GetPasswordHashAsync(DashboardUser user, CancellationToken cancellationToken) => Task.FromResult(user.PasswordHash);

    public Task<bool> HasPasswordAsync(DashboardUser user, CancellationToken cancellationToken) => Task.FromResult(user.PasswordHash is not null);

    public Task SetEmailAsync(DashboardUser user, string? email, CancellationToken cancellationToken)
    {
        user.Email = email;
        return Task.CompletedTask;
    }

    public Task<string?> GetEmailAsync(DashboardUser user, CancellationToken cancellationToken) => Task.FromResult(user.Email);

    public Task<bool> GetEmailConfirmedAsync(DashboardUser user, CancellationToken cancellationToken) => Task.FromResult(user.EmailConfirmed);

    public Task SetEmailConfirmedAsync(DashboardUser user, bool confirmed, CancellationToken cancellationToken)
    {
        user.EmailConfirmed = confirmed;
        return Task.CompletedTask;
    }

    public Task<string?> GetNormalizedEmailAsync(DashboardUser user, CancellationToken cancellationToken) => Task.FromResult(user.NormalizedEmail);

    public Task SetNormalizedEmailAsync(DashboardUser user, string? normalizedEmail, CancellationToken cancellationToken)
    {
        user.NormalizedEmail = normalizedEmail;
        return Task.CompletedTask;
    }

    public async Task AddToRoleAsync(DashboardUser user, string normalizedRoleName, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var roleId = await FindRoleIdAsync(connection, normalizedRoleName, cancellationToken)
            ?? throw new InvalidOperationException($"Role '{normalizedRoleName}' does not exist; the roles are {string.Join(", ", Roles.All)}.");
        await using var command = connection.Command("INSERT INTO auth_user_roles (user_id, role_id) VALUES (@userId, @roleId) ON CONFLICT DO NOTHING")
            .With("@userId", user.Id)
            .With("@roleId", roleId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RemoveFromRoleAsync(DashboardUser user, string normalizedRoleName, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "DELETE FROM auth_user_roles WHERE user_id = @userId AND role_id IN (SELECT id FROM auth_roles WHERE normalized_name = @role)")
            .With("@userId", user.Id)
            .With("@role", normalizedRoleName);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IList<string>> GetRolesAsync(DashboardUser user, CancellationToken cancellationToken)
    {
        var roles = new List<string>();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT r.name FROM auth_user_roles ur JOIN auth_roles r ON r.id = ur.role_id WHERE ur.user_id = @userId ORDER BY r.name")
            .With("@userId", user.Id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            roles.Add(reader.GetString(0));
        }

        return roles;
    }

    public async Task<bool> IsInRoleAsync(DashboardUser user, string normalizedRoleName, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT count(*) FROM auth_user_roles ur JOIN auth_roles r ON r.id = ur.role_id WHERE ur.user_id = @userId AND r.normalized_name = @role")
            .With("@userId", user.Id)
            .With("@role", normalizedRoleName);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    public async Task<IList<DashboardUser>> GetUsersInRoleAsync(string normalizedRoleName, CancellationToken cancellationToken)
    {
        var users = new List<DashboardUser>();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT {PrefixedColumns("u")} FROM auth_users u JOIN auth_user_roles ur ON ur.user_id = u.id " +
            "JOIN auth_roles r ON r.id = ur.role_id WHERE r.normalized_name = @role ORDER BY u.normalized_user_name")
            .With("@role", normalizedRoleName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(ReadUser(reader));
        }

        return users;
    }

    public Task SetSecurityStampAsync(DashboardUser user, string stamp, CancellationToken cancellationToken)
    {
        user.SecurityStamp = stamp;
        return Task.CompletedTask;
    }

    public Task<string?> GetSecurityStampAsync(DashboardUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.SecurityStamp);

    public Task<DateTimeOffset?> GetLockoutEndDateAsync(DashboardUser user, CancellationToken cancellationToken) => Task.FromResult(user.LockoutEnd);

    public Task SetLockoutEndDateAsync(DashboardUser user, DateTimeOffset? lockoutEnd, CancellationToken cancellationToken)
    {
        user.LockoutEnd = lockoutEnd;
        return Task.CompletedTask;
    }

    public Task<int> IncrementAccessFailedCountAsync(DashboardUser user, CancellationToken cancellationToken) => Task.FromResult(++user.AccessFailedCount);

    public Task ResetAccessFailedCountAsync(DashboardUser user, CancellationToken cancellationToken)
    {
        user.AccessFailedCount = 0;
        return Task.CompletedTask;
    }

    public Task<int> GetAccessFailedCountAsync(DashboardUser user, CancellationToken cancellationToken) => Task.FromResult(user.AccessFailedCount);

    public Task<bool> GetLockoutEnabledAsync(DashboardUser user, CancellationToken cancellationToken) => Task.FromResult(user.LockoutEnabled);

    public Task SetLockoutEnabledAsync(DashboardUser user, bool enabled, CancellationToken cancellationToken)
    {
        user.LockoutEnabled = enabled;
        return Task.CompletedTask;
    }

    private static async Task<string?> FindRoleIdAsync(DbConnection connection, string normalizedRoleName, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT id FROM auth_roles WHERE normalized_name = @role").With("@role", normalizedRoleName);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private async Task<DashboardUser?> FindOneAsync(string condition, string value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM auth_users WHERE {condition}").With("@value", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadUser(reader) : null;
    }

    private void AddUserParameters(DbCommand command, DashboardUser user) => command
        .With("@id", user.Id)
        .With("@userName", user.UserName)
        .With("@normalizedUserName", user.NormalizedUserName)
        .With("@email", user.Email)
        .With("@normalizedEmail", user.NormalizedEmail)
        .With("@emailConfirmed", user.EmailConfirmed)
        .With("@passwordHash", user.PasswordHash)
        .With("@securityStamp", user.SecurityStamp)
        .With("@concurrencyStamp", user.ConcurrencyStamp)
        .With("@lockoutEnabled", user.LockoutEnabled)
        .With("@lockoutEnd", database.ToDb(user.LockoutEnd))
        .With("@accessFailedCount", user.AccessFailedCount)
        .With("@createdAt", database.ToDb(user.CreatedAt));

    private DashboardUser ReadUser(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        UserName = reader.GetString(1),
        NormalizedUserName = reader.GetString(2),
        Email = reader.GetNullableString(3),
        NormalizedEmail = reader.GetNullableString(4),
        EmailConfirmed = reader.GetBoolean(5),
        PasswordHash = reader.GetNullableString(6),
        SecurityStamp = reader.GetString(7),
        ConcurrencyStamp = reader.GetString(8),
        LockoutEnabled = reader.GetBoolean(9),
        LockoutEnd = database.ReadNullableTimestamp(reader, 10),
        AccessFailedCount = reader.GetInt32(11),
        CreatedAt = database.ReadTimestamp(reader, 12),
    };

    private static string PrefixedColumns(string alias) =>
        string.Join(", ", Columns.Split(", ").Select(column => $"{alias}.{column}"));

    /// <summary>Returns whether the error is a unique-key violation: SQLSTATE 23505 in PostgreSQL, constraint error 19 in SQLite.</summary>
    internal static bool IsUniqueViolation(DbException exception) =>
        exception.SqlState == "23505" || exception is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 };
}
