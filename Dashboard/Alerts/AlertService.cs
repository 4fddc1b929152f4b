using System.Data.Common;
using Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Alerts;

/// <summary>Outcome of a command on an alert.</summary>
public enum AlertCommandStatus
{
    Succeeded,
    NotFound,
    Invalid,

    /// <summary>The alert is not in a state the command applies to, for example already acknowledged.</summary>
    Conflict,

    /// <summary>The alert store cannot be reached, or the alert is not stored yet; nothing was changed.</summary>
    Unavailable,
}

/// <summary>A command's outcome with the alert as it is now and a message for the user.</summary>
public sealed record AlertCommandResult(AlertCommandStatus Status, AlertRecord? Alert, string Message)
{
    public bool Succeeded => Status == AlertCommandStatus.Succeeded;
}

/// <summary>
/// Commands of operators, planners and admins on alerts: acknowledge (alone or in bulk), shelve, unshelve,
/// and remove from or return to service. Pages and the HTTP API both call it, so both apply the same rules.
/// </summary>
public sealed class AlertService(
    AlertStore store,
    AlertBoard board,
    AlertEngine engine,
    AlertNotifier notifier,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<AlertService> logger)
{
    private readonly AlertOptions _options = options.Value;

    public AlertOptions Options => _options;

    /// <summary>
    /// Acknowledges an alert. The store decides with a conditional update, so of concurrent requests exactly
    /// one succeeds, and the others are told who acknowledged it and when.
    /// </summary>
    public async Task<AlertCommandResult> AcknowledgeAsync(long id, string user, string? note, CancellationToken cancellationToken)
    {
        if (_options.RequireAcknowledgeNote && string.IsNullOrWhiteSpace(note))
        {
            return new(AlertCommandStatus.Invalid, board.Get(id), "A note is required to acknowledge an alert (Alerts:RequireAcknowledgeNote).");
        }

        if (board.Find(id) is not { } entry)
        {
            return NotFound(id);
        }

        await entry.Lock.WaitAsync(cancellationToken);
        try
        {
            if (entry.IsDirty)
            {
                return NotStored(entry.Record);
            }

            var result = await store.AcknowledgeAsync(id, user, note?.Trim(), time.GetUtcNow(), cancellationToken);
            if (result.Alert is null)
            {
                return NotFound(id);
            }

            var before = entry.Record;
            entry.StoredVersion = result.Alert.Version;
            board.Update(entry, result.Alert);
            if (!result.Succeeded)
            {
                var message = result.Alert.AcknowledgedBy is { } by && result.Alert.AcknowledgedAt is { } at && result.Alert.State is AlertState.ActiveAcknowledged or AlertState.Normal
                    ? $"Alert {id} was already acknowledged by {by} at {at:yyyy-MM-dd HH:mm:ss}Z."
                    : $"Alert {id} is {result.Alert.State}; there is nothing to acknowledge.";
                return new(AlertCommandStatus.Conflict, result.Alert, message);
            }

            Announce(result.Alert, new AlertEvent(0, id, result.Alert.AcknowledgedAt!.Value, AlertEventKind.Acknowledged, before.State, result.Alert.State, user, note, result.Alert.Value));
            return new(AlertCommandStatus.Succeeded, result.Alert, $"Alert {id} acknowledged.");
        }
        catch (Exception e) when (e is DbException or TimeoutException)
        {
            LogMessages.AlertStoreFailed(logger, e, TimeSpan.Zero);
            return new(AlertCommandStatus.Unavailable, entry.Record, "The alert store is unavailable; the alert was not acknowledged. Try again.");
        }
        finally
        {
            entry.Lock.Release();
        }
    }

    public async Task<IReadOnlyList<AlertCommandResult>> AcknowledgeManyAsync(IEnumerable<long> ids, string user, string? note, CancellationToken cancellationToken)
    {
        var results = new List<AlertCommandResult>();
        foreach (var id in ids.Distinct())
        {
            results.Add(await AcknowledgeAsync(id, user, note, cancellationToken));
        }

        return results;
    }

    /// <summary>Shelves an alert for at most <see cref="AlertOptions.MaxShelveDuration"/>; a reason is required.</summary>
    public async Task<AlertCommandResult> ShelveAsync(long id, string user, string? reason, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return new(AlertCommandStatus.Invalid, board.Get(id), "A reason is required to shelve an alert.");
        }

        if (duration <= TimeSpan.Zero || duration > _options.MaxShelveDuration)
        {
            return new(AlertCommandStatus.Invalid, board.Get(id), $"The shelve duration must be more than 0 and at most {_options.MaxShelveDuration} (Alerts:MaxShelveDuration), but is {duration}.");
        }

        return await ChangeAsync(id, user, reason.Trim(), AlertEventKind.Shelved, current =>
        {
            if (!AlertStateMachine.CanShelve(current.State))
            {
                return null;
            }

            var now = time.GetUtcNow();
            return current with { State = AlertState.Shelved, ShelvedBy = user, ShelvedUntil = now + duration, ShelveReason = reason.Trim() };
        }, cancellationToken);
    }

    public Task<AlertCommandResult> UnshelveAsync(long id, string user, string? note, CancellationToken cancellationToken) =>
        ResumeAsync(id, user, note, AlertEventKind.Unshelved, AlertState.Shelved, cancellationToken);

    /// <summary>Takes an alert out of service (admins): it stays silent until returned to service.</summary>
    public async Task<AlertCommandResult> RemoveFromServiceAsync(long id, string user, string? note, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(note))
        {
            return new(AlertCommandStatus.Invalid, board.Get(id), "A note is required to take an alert out of service.");
        }

        return await ChangeAsync(id, user, note.Trim(), AlertEventKind.RemovedFromService, current =>
            AlertStateMachine.CanRemoveFromService(current.State)
                ? current with { State = AlertState.OutOfService, ShelvedBy = null, ShelvedUntil = null, ShelveReason = null }
                : null, cancellationToken);
    }

    public Task<AlertCommandResult> ReturnToServiceAsync(long id, string user, string? note, CancellationToken cancellationToken) =>
        ResumeAsync(id, user, note, AlertEventKind.ReturnedToService, AlertState.OutOfService, cancellationToken);

    public async Task<AlertRule> SaveRuleAsync(AlertRule rule, string user, CancellationToken cancellationToken)
    {
        var saved = await store.SaveRuleAsync(rule, user, time.GetUtcNow(), cancellationToken);
        LogMessages.RuleSaved(logger, saved.Id, saved.Name, user);
        await engine.ReloadRulesAsync(cancellationToken);
        return saved;
    }

    public async Task<bool> DeleteRuleAsync(long id, CancellationToken cancellationToken)
    {
        var deleted = await store.DeleteRuleAsync(id, cancellationToken);
        await engine.ReloadRulesAsync(cancellationToken);
        return deleted;
    }

    private async Task<AlertCommandResult> ResumeAsync(long id, string user, string? note, AlertEventKind kind, AlertState expected, CancellationToken cancellationToken)
    {
        if (board.Find(id) is not { } entry)
        {
            return NotFound(id);
        }

        if (entry.Record.State != expected)
        {
            return new(AlertCommandStatus.Conflict, entry.Record, $"Alert {id} is {entry.Record.State}, not {expected}.");
        }

        await engine.ResumeAsync(entry, kind, user, note, cancellationToken);
        LogMessages.AlertChangedByUser(logger, id, kind, user);
        return entry.IsDirty
            ? NotStored(entry.Record)
            : new(AlertCommandStatus.Succeeded, entry.Record, $"Alert {id} is {entry.Record.State}.");
    }

    private async Task<AlertCommandResult> ChangeAsync(
        long id, string user, string note, AlertEventKind kind, Func<AlertRecord, AlertRecord?> change, CancellationToken cancellationToken)
    {
        if (board.Find(id) is not { } entry)
        {
            return NotFound(id);
        }

        await entry.Lock.WaitAsync(cancellationToken);
        try
        {
            if (entry.IsDirty)
            {
                return NotStored(entry.Record);
            }

            var current = entry.Record;
            if (change(current) is not { } next)
            {
                return new(AlertCommandStatus.Conflict, current, $"Alert {id} is {current.State}; it cannot be {kind.ToString().ToLowerInvariant()}.");
            }

            var now = time.GetUtcNow();
            var updated = next with { Version = current.Version + 1, UpdatedAt = now };
            var alertEvent = new AlertEvent(0, id, now, kind, current.State, updated.State, user, note, current.Value);
            var (saved, conflict) = await store.SaveAsync(updated, entry.StoredVersion, [alertEvent], cancellationToken);
            entry.StoredVersion = saved.Version;
            board.Update(entry, saved);
            if (conflict)
            {
                return new(AlertCommandStatus.Conflict, saved, $"Alert {id} was changed at the same time; check its state and try again.");
            }

            Announce(saved, alertEvent);
            return new(AlertCommandStatus.Succeeded, saved, $"Alert {id} is {saved.State}.");
        }
        catch (Exception e) when (e is DbException or TimeoutException)
        {
            LogMessages.AlertStoreFailed(logger, e, TimeSpan.Zero);
            return new(AlertCommandStatus.Unavailable, entry.Record, "The alert store is unavailable; nothing was changed. Try again.");
        }
        finally
        {
            entry.Lock.Release();
        }
    }

    private void Announce(AlertRecord alert, AlertEvent alertEvent)
    {
        LogMessages.AlertChangedByUser(logger, alert.Id, alertEvent.Kind, alertEvent.User);
        notifier.Publish(alert, alertEvent, engine.Rules.Get(alert.RuleId)?.Name ?? alert.Message);
    }

    private static AlertCommandResult NotFound(long id) => new(AlertCommandStatus.NotFound, null, $"Alert {id} does not exist.");

    private static AlertCommandResult NotStored(AlertRecord alert) =>
        new(AlertCommandStatus.Unavailable, alert, $"Alert {alert.Id} has changes that are not stored yet because the database is unavailable; try again shortly.");
}
