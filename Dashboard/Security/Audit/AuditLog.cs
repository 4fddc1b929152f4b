using System.Globalization;
using System.Security.Claims;
using Dashboard.Hosting;
using Dashboard.Security.Data;

namespace Dashboard.Security.Audit;

/// <summary>Kinds of security events that the audit log records.</summary>
public enum AuditEvent
{
    SignedIn,
    SignInFailed,
    LockedOut,
    SignedOut,
    SetupLinkCreated,
    SetupCompleted,
    SetupLinkRejected,
    AdminCreatedFromConfiguration,
    UserCreated,
    RolesChanged,
    PasswordReset,
    UserLocked,
    UserUnlocked,
    DisplayTokenCreated,
    DisplayTokenRevoked,
    DisplaySessionStarted,
    DisplayLinkRejected,
    ApiKeyCreated,
    ApiKeyRevoked,
}

/// <summary>One stored security event. <see cref="Actor"/> acted on <see cref="Subject"/>; either may be absent.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset Timestamp, string Event, string? Actor, string? Subject, string? Detail, string? RemoteAddress);

/// <summary>One page of the audit log, newest first, and the number of entries in the whole log.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long Total);

/// <summary>
/// Stores security events in <c>audit_events</c> and writes each to the log as well. Callers pass names and
/// ids, never secrets.
/// </summary>
public sealed class AuditLog(SecurityDatabase database, TimeProvider time, ILogger<AuditLog> logger)
{
    public const int MaxPageSize = 500;

    /// <summary>
    /// Records an event. A failed database write is logged and not thrown, so an audit outage does not
    /// block sign-in; the log line written first still carries the event.
    /// </summary>
    public async Task RecordAsync(AuditEvent auditEvent, string? actor, string? subject, string? detail, string? remoteAddress, CancellationToken cancellationToken = default)
    {
        LogMessages.SecurityEvent(logger, auditEvent, actor ?? "-", subject ?? "-", detail ?? "-", remoteAddress ?? "-");
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.Command(
                "INSERT INTO audit_events (ts, event, actor, subject, detail, remote_address) VALUES (@ts, @event, @actor, @subject, @detail, @remote)")
                .With("@ts", database.ToDb(time.GetUtcNow()))
                .With("@event", auditEvent.ToString())
                .With("@actor", actor)
                .With("@subject", subject)
                .With("@detail", detail)
                .With("@remote", remoteAddress);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            LogMessages.AuditWriteFailed(logger, e, auditEvent);
        }
    }

    /// <summary>Records an event done by <paramref name="actor"/> in the request <paramref name="context"/>.</summary>
    public Task RecordAsync(AuditEvent auditEvent, ClaimsPrincipal actor, string? subject, string? detail, HttpContext? context, CancellationToken cancellationToken = default) =>
        RecordAsync(auditEvent, SecurityClaims.ActorName(actor), subject, detail, RemoteAddress(context), cancellationToken);

    /// <summary>Returns the entries of one page (0-based), newest first.</summary>
    public async Task<AuditPage> ReadPageAsync(int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);

        await using var connection = await database.OpenAsync(cancellationToken);
        long total;
        await using (var count = connection.Command("SELECT count(*) FROM audit_events"))
        {
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        var entries = new List<AuditEntry>(pageSize);
        await using var command = connection.Command(
            "SELECT id, ts, event, actor, subject, detail, remote_address FROM audit_events ORDER BY id DESC LIMIT @limit OFFSET @offset")
            .With("@limit", pageSize)
            .With("@offset", (long)page * pageSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry(
                reader.GetInt64(0),
                database.ReadTimestamp(reader, 1),
                reader.GetString(2),
                reader.GetNullableString(3),
                reader.GetNullableString(4),
                reader.GetNullableString(5),
                reader.GetNullableString(6)));
        }

        return new AuditPage(entries, total);
    }

    public static string? RemoteAddress(HttpContext? context) => context?.Connection.RemoteIpAddress?.ToString();
}
