using System.Collections.Concurrent;
using System.Data.Common;
using System.Security.Claims;
using Dashboard.Security.Audit;
using Dashboard.Security.Data;
using Microsoft.Extensions.Options;

namespace Dashboard.Security.Displays;

/// <summary>A kiosk display token as the admin page lists it; the secret itself is never stored.</summary>
public sealed record DisplayToken(
    string Id,
    string Name,
    string? Site,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt,
    string? RevokedBy)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>A token just created, with its secret, which is shown once and cannot be read again.</summary>
public sealed record CreatedDisplayToken(DisplayToken Token, string Secret)
{
    /// <summary>Returns the relative address that signs a browser in as this display.</summary>
    public string RelativeLink => $"wall?token={Secret}";
}

/// <summary>
/// Creates, lists, revokes and checks kiosk display tokens (<c>display_tokens</c>), and builds the read-only
/// principal of a display session.
/// </summary>
/// <remarks>
/// A token stays usable until it is revoked, so one link can sign in a replacement screen. Revocation
/// reaches the running sessions of this instance at once (<see cref="IsActiveAsync"/> and
/// <see cref="DisplaySessionMonitor"/>) and those of other instances at their next check, within
/// <see cref="SecurityOptions.SessionCheckInterval"/>.
/// </remarks>
public sealed class DisplayTokenService(
    SecurityDatabase database,
    AuditLog audit,
    DisplaySessionMonitor monitor,
    IOptions<SecurityOptions> options,
    TimeProvider time)
{
    public const int MaxNameLength = 100;

    private const string Columns = "id, name, site, created_at, created_by, last_used_at, revoked_at, revoked_by";

    private readonly ConcurrentDictionary<string, (bool Active, DateTimeOffset CheckedAt)> _activeCache = new(StringComparer.Ordinal);

    /// <summary>Creates a token for a display named <paramref name="name"/>, showing one site or, when null, every site.</summary>
    public async Task<CreatedDisplayToken> CreateAsync(string name, string? site, ClaimsPrincipal actor, HttpContext? context, CancellationToken cancellationToken)
    {
        name = name.Trim();
        site = string.IsNullOrWhiteSpace(site) ? null : site.Trim();
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException($"The display name must be 1 to {MaxNameLength} characters.", nameof(name));
        }

        var secret = SecretTokens.Create();
        var token = new DisplayToken(Guid.NewGuid().ToString("N"), name, site, time.GetUtcNow(), SecurityClaims.ActorName(actor), null, null, null);
        await using (var connection = await database.OpenAsync(cancellationToken))
        await using (var command = connection.Command(
            "INSERT INTO display_tokens (id, name, site, token_hash, created_at, created_by) VALUES (@id, @name, @site, @hash, @createdAt, @createdBy)")
            .With("@id", token.Id)
            .With("@name", token.Name)
            .With("@site", token.Site)
            .With("@hash", SecretTokens.Hash(secret))
            .With("@createdAt", database.ToDb(token.CreatedAt))
            .With("@createdBy", token.CreatedBy))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await audit.RecordAsync(AuditEvent.DisplayTokenCreated, actor, $"display {token.Name} ({token.Id})", site is null ? "all sites" : $"site {site}", context, cancellationToken);
        return new CreatedDisplayToken(token, secret);
    }

    public async Task<IReadOnlyList<DisplayToken>> ListAsync(CancellationToken cancellationToken)
    {
        var tokens = new List<DisplayToken>();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM display_tokens ORDER BY created_at DESC");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tokens.Add(Read(reader));
        }

        return tokens;
    }

    /// <summary>Revokes a token and ends its display sessions; returns false when no active token has the id.</summary>
    public async Task<bool> RevokeAsync(string id, ClaimsPrincipal actor, HttpContext? context, CancellationToken cancellationToken)
    {
        int rows;
        await using (var connection = await database.OpenAsync(cancellationToken))
        await using (var command = connection.Command(
            "UPDATE display_tokens SET revoked_at = @now, revoked_by = @actor WHERE id = @id AND revoked_at IS NULL")
            .With("@now", database.ToDb(time.GetUtcNow()))
            .With("@actor", SecurityClaims.ActorName(actor))
            .With("@id", id))
        {
            rows = await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (rows == 0)
        {
            return false;
        }

        _activeCache[id] = (false, time.GetUtcNow());
        monitor.NotifyRevoked(id);
        await audit.RecordAsync(AuditEvent.DisplayTokenRevoked, actor, $"display token {id}", null, context, cancellationToken);
        return true;
    }

    /// <summary>Returns the active token that <paramref name="secret"/> belongs to, or null, and records its use.</summary>
    public async Task<DisplayToken?> FindActiveBySecretAsync(string secret, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        DisplayToken? token;
        await using (var command = connection.Command($"SELECT {Columns} FROM display_tokens WHERE token_hash = @hash AND revoked_at IS NULL")
            .With("@hash", SecretTokens.Hash(secret)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            token = await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        }

        if (token is not null)
        {
            await using var touch = connection.Command("UPDATE display_tokens SET last_used_at = @now WHERE id = @id")
                .With("@now", database.ToDb(time.GetUtcNow()))
                .With("@id", token.Id);
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }

        return token;
    }

    /// <summary>
    /// Returns whether the token exists and is not revoked. The answer is cached for
    /// <see cref="SecurityOptions.SessionCheckInterval"/>, because every request of a display asks.
    /// </summary>
    public async Task<bool> IsActiveAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_activeCache.TryGetValue(id, out var cached) && now - cached.CheckedAt < options.Value.SessionCheckInterval)
        {
            return cached.Active;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT count(*) FROM display_tokens WHERE id = @id AND revoked_at IS NULL").With("@id", id);
        var active = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
        _activeCache[id] = (active, now);
        return active;
    }

    /// <summary>
    /// Returns the principal of a display session: the Viewer role, the display marker that every policy
    /// but <see cref="Policies.View"/> rejects, and the site filter when the token has one.
    /// </summary>
    public static ClaimsPrincipal CreatePrincipal(DisplayToken token)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, $"display:{token.Id}"),
            new(ClaimTypes.Name, $"display {token.Name}"),
            new(ClaimTypes.Role, Roles.Viewer),
            new(SecurityClaims.DisplayTokenId, token.Id),
        };
        if (token.Site is { } site)
        {
            claims.Add(new Claim(SecurityClaims.DisplaySite, site));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, SecuritySchemes.Display));
    }

    private DisplayToken Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetNullableString(2),
        database.ReadTimestamp(reader, 3),
        reader.GetString(4),
        database.ReadNullableTimestamp(reader, 5),
        database.ReadNullableTimestamp(reader, 6),
        reader.GetNullableString(7));
}
