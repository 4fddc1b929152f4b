using Dashboard.Security.Data;
using Microsoft.Extensions.Options;

namespace Dashboard.Security.Setup;

/// <summary>
/// The one-time setup link of a first start without an administrator: a random token whose hash is kept in
/// <c>setup_tokens</c>, valid for <see cref="SecurityOptions.SetupLinkLifetime"/> and for one use.
/// </summary>
public sealed class SetupTokenService(SecurityDatabase database, IOptions<SecurityOptions> options, TimeProvider time)
{
    /// <summary>Creates a new token and invalidates every unused older one; returns the secret for the link.</summary>
    public async Task<string> CreateAsync(CancellationToken cancellationToken)
    {
        var secret = SecretTokens.Create();
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var delete = connection.Command("DELETE FROM setup_tokens WHERE used_at IS NULL", transaction))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var insert = connection.Command("INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES (@hash, @now, @expires)", transaction)
            .With("@hash", SecretTokens.Hash(secret))
            .With("@now", database.ToDb(now))
            .With("@expires", database.ToDb(now + options.Value.SetupLinkLifetime)))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return secret;
    }

    /// <summary>Returns whether the token exists, is unused and has not expired.</summary>
    public async Task<bool> IsValidAsync(string? secret, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return false;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT count(*) FROM setup_tokens WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now")
            .With("@hash", SecretTokens.Hash(secret))
            .With("@now", database.ToDb(time.GetUtcNow()));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Marks a valid token used; returns false when it is unknown, used or expired, so only one request can claim it.</summary>
    public async Task<bool> TryClaimAsync(string secret, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "UPDATE setup_tokens SET used_at = @now WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now")
            .With("@hash", SecretTokens.Hash(secret))
            .With("@now", database.ToDb(now));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Makes a claimed token usable again, after creating the administrator failed.</summary>
    public async Task ReleaseAsync(string secret, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("UPDATE setup_tokens SET used_at = NULL WHERE token_hash = @hash").With("@hash", SecretTokens.Hash(secret));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
