using System.Collections.Concurrent;
using System.Data.Common;
using System.Security.Claims;
using Dashboard.Security.Audit;
using Dashboard.Security.Data;
using Microsoft.Extensions.Options;

namespace Dashboard.Security.ApiKeys;

/// <summary>An API key as the admin page lists it. <see cref="Prefix"/> is the first characters of the key, to tell keys apart.</summary>
public sealed record ApiKeyInfo(
    string Id,
    string Name,
    string Role,
    string Prefix,
    DateTimeOffset? CreatedAt,
    string CreatedBy,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt,
    string? RevokedBy,
    bool FromConfiguration)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>A key just created, with its secret, which is shown once and cannot be read again.</summary>
public sealed record CreatedApiKey(ApiKeyInfo Info, string Key);

/// <summary>
/// API keys for integrations: created and revoked by admins (<c>api_keys</c>, hash only) or given in
/// <c>Auth:ProvisionedApiKeys</c>, whose plain text is hashed once at start and then dropped.
/// </summary>
public sealed class ApiKeyService
{
    public const int MaxNameLength = 100;

    /// <summary>Characters of the key shown on the admin page, including <see cref="SecretTokens.ApiKeyPrefix"/>.</summary>
    private const int ShownPrefixLength = 10;

    private const string Columns = "id, name, role, key_prefix, created_at, created_by, last_used_at, revoked_at, revoked_by";

    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private readonly SecurityDatabase _database;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, ApiKeyInfo> _provisioned;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastTouched = new(StringComparer.Ordinal);

    public ApiKeyService(SecurityDatabase database, AuditLog audit, IOptions<SecurityOptions> options, TimeProvider time)
    {
        _database = database;
        _audit = audit;
        _time = time;
        _provisioned = new Dictionary<string, ApiKeyInfo>(StringComparer.Ordinal);
        var keys = options.Value.ProvisionedApiKeys;
        for (var i = 0; i < keys.Count; i++)
        {
            var name = string.IsNullOrWhiteSpace(keys[i].Name) ? $"provisioned key {i}" : keys[i].Name!;
            var info = new ApiKeyInfo($"config:{i}", name, Roles.Canonical(keys[i].Role)!, "(configuration)", null, "configuration", null, null, null, FromConfiguration: true);
            _provisioned[Convert.ToHexString(SecretTokens.Hash(keys[i].Key!))] = info;
        }
    }

    public async Task<CreatedApiKey> CreateAsync(string name, string role, ClaimsPrincipal actor, HttpContext? context, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException($"The key name must be 1 to {MaxNameLength} characters.", nameof(name));
        }

        var canonicalRole = Roles.Canonical(role) ?? throw new ArgumentException($"Role '{role}' does not exist; use one of {string.Join(", ", Roles.All)}.", nameof(role));
        var key = SecretTokens.ApiKeyPrefix + SecretTokens.Create();
        var info = new ApiKeyInfo(Guid.NewGuid().ToString("N"), name, canonicalRole, key[..ShownPrefixLength], _time.GetUtcNow(), SecurityClaims.ActorName(actor), null, null, null, FromConfiguration: false);
        await using (var connection = await _database.OpenAsync(cancellationToken))
        await using (var command = connection.Command(
            "INSERT INTO api_keys (id, name, role, key_prefix, key_hash, created_at, created_by) VALUES (@id, @name, @role, @prefix, @hash, @createdAt, @createdBy)")
            .With("@id", info.Id)
            .With("@name", info.Name)
            .With("@role", info.Role)
            .With("@prefix", info.Prefix)
            .With("@hash", SecretTokens.Hash(key))
            .With("@createdAt", _database.ToDb(info.CreatedAt))
            .With("@createdBy", info.CreatedBy))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await _audit.RecordAsync(AuditEvent.ApiKeyCreated, actor, $"API key {info.Name} ({info.Id})", $"role {info.Role}", context, cancellationToken);
        return new CreatedApiKey(info, key);
    }

    /// <summary>Returns the keys from configuration, then the stored keys, newest first.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = _provisioned.Values.OrderBy(key => key.Id, StringComparer.Ordinal).ToList();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM api_keys ORDER BY created_at DESC");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    /// <summary>Revokes a stored key; returns false when no active stored key has the id. Keys from configuration are removed there.</summary>
    public async Task<bool> RevokeAsync(string id, ClaimsPrincipal actor, HttpContext? context, CancellationToken cancellationToken)
    {
        int rows;
        await using (var connection = await _database.OpenAsync(cancellationToken))
        await using (var command = connection.Command("UPDATE api_keys SET revoked_at = @now, revoked_by = @actor WHERE id = @id AND revoked_at IS NULL")
            .With("@now", _database.ToDb(_time.GetUtcNow()))
            .With("@actor", SecurityClaims.ActorName(actor))
            .With("@id", id))
        {
            rows = await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (rows > 0)
        {
            await _audit.RecordAsync(AuditEvent.ApiKeyRevoked, actor, $"API key {id}", null, context, cancellationToken);
        }

        return rows > 0;
    }

    /// <summary>
    /// Returns the active key that <paramref name="key"/> is, or null. The stored key's last use is updated
    /// at most once a minute per app instance, so a busy integration does not write on every request.
    /// </summary>
    public async Task<ApiKeyInfo?> AuthenticateAsync(string key, CancellationToken cancellationToken)
    {
        var hash = SecretTokens.Hash(key);
        if (_provisioned.TryGetValue(Convert.ToHexString(hash), out var provisioned))
        {
            return provisioned;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        ApiKeyInfo? info;
        await using (var command = connection.Command($"SELECT {Columns} FROM api_keys WHERE key_hash = @hash AND revoked_at IS NULL").With("@hash", hash))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            info = await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        }

        var now = _time.GetUtcNow();
        if (info is not null && (!_lastTouched.TryGetValue(info.Id, out var touched) || now - touched >= LastUsedResolution))
        {
            _lastTouched[info.Id] = now;
            await using var touch = connection.Command("UPDATE api_keys SET last_used_at = @now WHERE id = @id")
                .With("@now", _database.ToDb(now))
                .With("@id", info.Id);
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }

        return info;
    }

    /// <summary>Returns the principal of a request made with the key: its role and the key's id and name.</summary>
    public static ClaimsPrincipal CreatePrincipal(ApiKeyInfo key) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, $"api-key:{key.Id}"),
            new Claim(ClaimTypes.Name, $"API key {key.Name}"),
            new Claim(ClaimTypes.Role, key.Role),
            new Claim(SecurityClaims.ApiKeyId, key.Id),
        ],
        SecuritySchemes.ApiKey));

    private ApiKeyInfo Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        _database.ReadTimestamp(reader, 4),
        reader.GetString(5),
        _database.ReadNullableTimestamp(reader, 6),
        _database.ReadNullableTimestamp(reader, 7),
        reader.GetNullableString(8),
        FromConfiguration: false);
}
