using System.Data.Common;
using Dashboard.Security.Data;
using Microsoft.AspNetCore.Identity;

namespace Dashboard.Security.Identity;

/// <summary>
/// ASP.NET Core Identity's role store over <c>auth_roles</c>. The dashboard's policies know only the four
/// roles that migration 0003 seeds, so the admin pages never create or delete roles; the write methods exist
/// because <see cref="RoleManager{TRole}"/> requires them.
/// </summary>
public sealed class DashboardRoleStore(SecurityDatabase database) : IRoleStore<DashboardRole>
{
    private static readonly IdentityErrorDescriber Errors = new();

    public void Dispose()
    {
    }

    public async Task<IdentityResult> CreateAsync(DashboardRole role, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "INSERT INTO auth_roles (id, name, normalized_name, concurrency_stamp) VALUES (@id, @name, @normalizedName, @stamp)")
            .With("@id", role.Id)
            .With("@name", role.Name)
            .With("@normalizedName", role.NormalizedName)
            .With("@stamp", role.ConcurrencyStamp);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (DbException e) when (DashboardUserStore.IsUniqueViolation(e))
        {
            return IdentityResult.Failed(Errors.DuplicateRoleName(role.Name));
        }

        return IdentityResult.Success;
    }

    public async Task<IdentityResult> UpdateAsync(DashboardRole role, CancellationToken cancellationToken)
    {
        var expectedStamp = role.ConcurrencyStamp;
        role.ConcurrencyStamp = Guid.NewGuid().ToString("N");
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "UPDATE auth_roles SET name = @name, normalized_name = @normalizedName, concurrency_stamp = @stamp WHERE id = @id AND concurrency_stamp = @expected")
            .With("@id", role.Id)
            .With("@name", role.Name)
            .With("@normalizedName", role.NormalizedName)
            .With("@stamp", role.ConcurrencyStamp)
            .With("@expected", expectedStamp);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            role.ConcurrencyStamp = expectedStamp;
            return IdentityResult.Failed(Errors.ConcurrencyFailure());
        }

        return IdentityResult.Success;
    }

    public async Task<IdentityResult> DeleteAsync(DashboardRole role, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("DELETE FROM auth_roles WHERE id = @id").With("@id", role.Id);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return IdentityResult.Success;
    }

    public Task<string> GetRoleIdAsync(DashboardRole role, CancellationToken cancellationToken) => Task.FromResult(role.Id);

    public Task<string?> GetRoleNameAsync(DashboardRole role, CancellationToken cancellationToken) => Task.FromResult<string?>(role.Name);

    public Task SetRoleNameAsync(DashboardRole role, string? roleName, CancellationToken cancellationToken)
    {
        role.Name = roleName ?? string.Empty;
        return Task.CompletedTask;
    }

    public Task<string?> GetNormalizedRoleNameAsync(DashboardRole role, CancellationToken cancellationToken) => Task.FromResult<string?>(role.NormalizedName);

    public Task SetNormalizedRoleNameAsync(DashboardRole role, string? normalizedName, CancellationToken cancellationToken)
    {
        role.NormalizedName = normalizedName ?? string.Empty;
        return Task.CompletedTask;
    }

    public Task<DashboardRole?> FindByIdAsync(string roleId, CancellationToken cancellationToken) =>
        FindOneAsync("id = @value", roleId, cancellationToken);

    public Task<DashboardRole?> FindByNameAsync(string normalizedRoleName, CancellationToken cancellationToken) =>
        FindOneAsync("normalized_name = @value", normalizedRoleName, cancellationToken);

    private async Task<DashboardRole?> FindOneAsync(string condition, string value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT id, name, normalized_name, concurrency_stamp FROM auth_roles WHERE {condition}")
            .With("@value", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new DashboardRole
        {
            Id = reader.GetString(0),
            Name = reader.GetString(1),
            NormalizedName = reader.GetString(2),
            ConcurrencyStamp = reader.GetString(3),
        };
    }
}
