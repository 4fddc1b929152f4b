using System.Data.Common;
using System.Globalization;
using Dashboard.Storage;

namespace Dashboard.Alerts;

/// <summary>Filter and page of the alert list.</summary>
public sealed record AlertQuery(
    IReadOnlyCollection<AlertState>? States = null,
    IReadOnlyCollection<AlertPriority>? Priorities = null,
    string? Site = null,
    string? Asset = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Offset = 0,
    int Limit = 50);

/// <summary>
/// Outcome of an acknowledgement: the alert after it, and whether this request made the change. When it
/// did not, the record names who acknowledged it and when, or shows a state with nothing to acknowledge.
/// </summary>
public sealed record AcknowledgeResult(bool Succeeded, AlertRecord? Alert);

/// <summary>
/// Rules, alerts and their journal in the product's database, with one implementation for PostgreSQL and
/// SQLite through <see cref="SqlDialect"/>.
/// </summary>
public sealed class AlertStore(SqlDialect dialect)
{
    private const string AlertColumns =
        "id, rule_id, site, asset, metric, state, condition_active, priority, message, value, activated_at, condition_changed_at, " +
        "acknowledged_by, acknowledged_at, shelved_by, shelved_until, shelve_reason, version, updated_at";

    private const string RuleColumns =
        "id, name, kind, site_pattern, asset_pattern, metric_pattern, threshold, deadband, on_delay_ms, off_delay_ms, window_ms, priority, message, enabled";

    public SqlDialect Dialect => dialect;

    public async Task<IReadOnlyList<AlertRule>> LoadRulesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT {RuleColumns} FROM alert_rules ORDER BY id");
        var rules = new List<AlertRule>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rules.Add(ReadRule(reader));
        }

        return rules;
    }

    /// <summary>Inserts a rule whose id is 0, or updates the rule with its id; returns it with its id.</summary>
    public async Task<AlertRule> SaveRuleAsync(AlertRule rule, string user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var sql = rule.Id == 0
            ? """
              INSERT INTO alert_rules (name, kind, site_pattern, asset_pattern, metric_pattern, threshold, deadband, on_delay_ms, off_delay_ms,
                                       window_ms, priority, message, enabled, updated_at, updated_by)
              VALUES (@name, @kind, @site, @asset, @metric, @threshold, @deadband, @on, @off, @window, @priority, @message, @enabled, @now, @user)
              RETURNING id
              """
            : """
              UPDATE alert_rules SET name = @name, kind = @kind, site_pattern = @site, asset_pattern = @asset, metric_pattern = @metric,
                  threshold = @threshold, deadband = @deadband, on_delay_ms = @on, off_delay_ms = @off, window_ms = @window,
                  priority = @priority, message = @message, enabled = @enabled, updated_at = @now, updated_by = @user
              WHERE id = @id
              RETURNING id
              """;
        await using var command = Command(connection, null, sql);
        SqlDialect.AddParameter(command, "@id", rule.Id);
        SqlDialect.AddParameter(command, "@name", rule.Name);
        SqlDialect.AddParameter(command, "@kind", rule.Kind.ToString());
        SqlDialect.AddParameter(command, "@site", rule.SitePattern);
        SqlDialect.AddParameter(command, "@asset", rule.AssetPattern);
        SqlDialect.AddParameter(command, "@metric", rule.MetricPattern);
        SqlDialect.AddParameter(command, "@threshold", rule.Threshold);
        SqlDialect.AddParameter(command, "@deadband", rule.Deadband);
        SqlDialect.AddParameter(command, "@on", (long)rule.OnDelay.TotalMilliseconds);
        SqlDialect.AddParameter(command, "@off", (long)rule.OffDelay.TotalMilliseconds);
        SqlDialect.AddParameter(command, "@window", (long)rule.Window.TotalMilliseconds);
        SqlDialect.AddParameter(command, "@priority", rule.Priority.ToString());
        SqlDialect.AddParameter(command, "@message", rule.Message);
        SqlDialect.AddParameter(command, "@enabled", rule.Enabled);
        SqlDialect.AddParameter(command, "@now", dialect.Timestamp(now));
        SqlDialect.AddParameter(command, "@user", user);
        var id = await command.ExecuteScalarAsync(cancellationToken)
            ?? throw new KeyNotFoundException($"Alert rule {rule.Id} does not exist.");
        return rule with { Id = Convert.ToInt64(id, CultureInfo.InvariantCulture) };
    }

    /// <summary>Deletes a rule that has never raised an alert; returns false for a rule with alerts (disable it instead).</summary>
    public async Task<bool> DeleteRuleAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "DELETE FROM alert_rules WHERE id = @id AND NOT EXISTS (SELECT 1 FROM alerts WHERE rule_id = @id)");
        SqlDialect.AddParameter(command, "@id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<AlertRecord>> LoadAlertsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT {AlertColumns} FROM alerts");
        return await ReadAlertsAsync(command, cancellationToken);
    }

    public async Task<AlertRecord?> GetAlertAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await GetAlertAsync(connection, null, id, cancellationToken);
    }

    /// <summary>
    /// Stores an alert and its new events in one transaction. A record with id 0 is inserted; when another
    /// instance stored the same alarm point first, nothing is written and the stored row is returned with
    /// <c>Conflict</c> set. Otherwise the row is updated only if its stored version is still
    /// <paramref name="expectedVersion"/>; on a mismatch nothing is written and the stored row is returned
    /// with <c>Conflict</c> set, so the caller can apply its change to what another writer left.
    /// </summary>
    public async Task<(AlertRecord Alert, bool Conflict)> SaveAsync(
        AlertRecord alert, long expectedVersion, IReadOnlyList<AlertEvent> events, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long id;
        if (alert.Id == 0)
        {
            await using var insert = Command(
                connection,
                transaction,
                """
                INSERT INTO alerts (rule_id, site, asset, metric, state, condition_active, priority, message, value, activated_at, condition_changed_at,
                                    acknowledged_by, acknowledged_at, shelved_by, shelved_until, shelve_reason, version, updated_at)
                VALUES (@rule, @site, @asset, @metric, @state, @active, @priority, @message, @value, @activated, @changed,
                        @ackBy, @ackAt, @shelvedBy, @shelvedUntil, @shelveReason, @version, @updated)
                ON CONFLICT (rule_id, site, asset, metric) DO NOTHING
                RETURNING id
                """);
            AddAlertParameters(insert, alert);
            var inserted = await insert.ExecuteScalarAsync(cancellationToken);
            if (inserted is null or DBNull)
            {
                await transaction.RollbackAsync(cancellationToken);
                return ((await FindAlertAsync(connection, alert.RuleId, alert.Asset, alert.Metric, cancellationToken))!, true);
            }

            id = Convert.ToInt64(inserted, CultureInfo.InvariantCulture);
        }
        else
        {
            await using var update = Command(
                connection,
                transaction,
                """
                UPDATE alerts SET state = @state, condition_active = @active, priority = @priority, message = @message, value = @value,
                    activated_at = @activated, condition_changed_at = @changed, acknowledged_by = @ackBy, acknowledged_at = @ackAt,
                    shelved_by = @shelvedBy, shelved_until = @shelvedUntil, shelve_reason = @shelveReason, version = @version, updated_at = @updated
                WHERE id = @id AND version = @expected
                """);
            AddAlertParameters(update, alert);
            SqlDialect.AddParameter(update, "@id", alert.Id);
            SqlDialect.AddParameter(update, "@expected", expectedVersion);
            if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                await transaction.RollbackAsync(cancellationToken);
                return ((await GetAlertAsync(connection, null, alert.Id, cancellationToken))!, true);
            }

            id = alert.Id;
        }

        foreach (var alertEvent in events)
        {
            await InsertEventAsync(connection, transaction, alertEvent with { AlertId = id }, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (alert with { Id = id }, false);
    }

    /// <summary>
    /// Acknowledges an alert with one conditional update: of concurrent requests exactly one changes the row
    /// and records the event; the others get the row as that one left it.
    /// </summary>
    public async Task<AcknowledgeResult> AcknowledgeAsync(long id, string user, string? note, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var update = Command(
            connection,
            transaction,
            $"""
            UPDATE alerts SET
                state = CASE state WHEN 'ActiveUnacknowledged' THEN 'ActiveAcknowledged' ELSE 'Normal' END,
                acknowledged_by = @user, acknowledged_at = @now, version = version + 1, updated_at = @now
            WHERE id = @id AND state IN ('ActiveUnacknowledged', 'ReturnedUnacknowledged')
            RETURNING {AlertColumns}
            """);
        SqlDialect.AddParameter(update, "@id", id);
        SqlDialect.AddParameter(update, "@user", user);
        SqlDialect.AddParameter(update, "@now", dialect.Timestamp(now));
        var changed = await ReadAlertsAsync(update, cancellationToken);
        if (changed.Count == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new AcknowledgeResult(false, await GetAlertAsync(connection, null, id, cancellationToken));
        }

        var alert = changed[0];
        var from = alert.State == AlertState.ActiveAcknowledged ? AlertState.ActiveUnacknowledged : AlertState.ReturnedUnacknowledged;
        await InsertEventAsync(connection, transaction, new AlertEvent(0, id, now, AlertEventKind.Acknowledged, from, alert.State, user, note, alert.Value), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new AcknowledgeResult(true, alert);
    }

    /// <summary>
    /// Returns the journal of one alert in the order its transitions were stored. Sorting by time instead would
    /// misplace events, because condition changes carry the device's reading time while commands carry the
    /// server's clock, and the two may differ by up to <c>Ingest:MaxFutureSkew</c>.
    /// </summary>
    public async Task<IReadOnlyList<AlertEvent>> GetEventsAsync(long alertId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            "SELECT id, alert_id, ts, kind, from_state, to_state, user_name, note, value FROM alert_events WHERE alert_id = @id ORDER BY id");
        SqlDialect.AddParameter(command, "@id", alertId);
        var events = new List<AlertEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new AlertEvent(
                reader.GetInt64(0),
                reader.GetInt64(1),
                dialect.ReadTimestamp(reader, 2),
                Enum.Parse<AlertEventKind>(reader.GetString(3)),
                Enum.Parse<AlertState>(reader.GetString(4)),
                Enum.Parse<AlertState>(reader.GetString(5)),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetDouble(8)));
        }

        return events;
    }

    /// <summary>Returns one page of alerts, most urgent first, and the number of alerts the filter matches.</summary>
    public async Task<(IReadOnlyList<AlertRecord> Items, int Total)> QueryAsync(AlertQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var where = new List<string>();
        await using var count = connection.CreateCommand();
        await using var select = connection.CreateCommand();

        void Add(string clause, string name, object? value)
        {
            where.Add(clause);
            SqlDialect.AddParameter(count, name, value);
            SqlDialect.AddParameter(select, name, value);
        }

        if (query.States is { Count: > 0 } states)
        {
            where.Add($"state IN ({string.Join(", ", states.Select(s => $"'{s}'"))})");
        }

        if (query.Priorities is { Count: > 0 } priorities)
        {
            where.Add($"priority IN ({string.Join(", ", priorities.Select(p => $"'{p}'"))})");
        }

        if (!string.IsNullOrEmpty(query.Site))
        {
            Add("site = @site", "@site", query.Site);
        }

        if (!string.IsNullOrEmpty(query.Asset))
        {
            Add(@"lower(asset) LIKE @asset ESCAPE '\'", "@asset", "%" + EscapeLike(query.Asset.ToLowerInvariant()) + "%");
        }

        if (query.From is { } from)
        {
            Add("updated_at >= @from", "@from", dialect.Timestamp(from));
        }

        if (query.To is { } to)
        {
            Add("updated_at < @to", "@to", dialect.Timestamp(to));
        }

        var filter = where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : string.Empty;
        count.CommandText = $"SELECT count(*) FROM alerts {filter}";
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);

        select.CommandText = $"""
            SELECT {AlertColumns} FROM alerts {filter}
            ORDER BY CASE WHEN state IN ('ActiveUnacknowledged', 'ReturnedUnacknowledged') THEN 0 WHEN state = 'ActiveAcknowledged' THEN 1 ELSE 2 END,
                     CASE priority WHEN 'Critical' THEN 0 WHEN 'High' THEN 1 WHEN 'Medium' THEN 2 ELSE 3 END,
                     updated_at DESC, id
            LIMIT @limit OFFSET @offset
            """;
        SqlDialect.AddParameter(select, "@limit", query.Limit);
        SqlDialect.AddParameter(select, "@offset", query.Offset);
        return (await ReadAlertsAsync(select, cancellationToken), total);
    }

    /// <summary>Returns the activation times and alert ids in [from, to), oldest first, for the alarm KPIs.</summary>
    public async Task<IReadOnlyList<(long AlertId, DateTimeOffset Timestamp, AlertPriority Priority)>> ActivationsAsync(
        DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            """
            SELECT e.alert_id, e.ts, a.priority FROM alert_events e JOIN alerts a ON a.id = e.alert_id
            WHERE e.kind = 'Activated' AND e.ts >= @from AND e.ts < @to
            ORDER BY e.ts
            """);
        SqlDialect.AddParameter(command, "@from", dialect.Timestamp(from));
        SqlDialect.AddParameter(command, "@to", dialect.Timestamp(to));
        var activations = new List<(long, DateTimeOffset, AlertPriority)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            activations.Add((reader.GetInt64(0), dialect.ReadTimestamp(reader, 1), Enum.Parse<AlertPriority>(reader.GetString(2))));
        }

        return activations;
    }

    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);

    private async Task<AlertRecord?> GetAlertAsync(DbConnection connection, DbTransaction? transaction, long id, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT {AlertColumns} FROM alerts WHERE id = @id");
        SqlDialect.AddParameter(command, "@id", id);
        var alerts = await ReadAlertsAsync(command, cancellationToken);
        return alerts.Count > 0 ? alerts[0] : null;
    }

    private async Task<AlertRecord?> FindAlertAsync(DbConnection connection, long ruleId, AssetKey asset, string metric, CancellationToken cancellationToken)
    {
        await using var command = Command(
            connection,
            null,
            $"SELECT {AlertColumns} FROM alerts WHERE rule_id = @rule AND site = @site AND asset = @asset AND metric = @metric");
        SqlDialect.AddParameter(command, "@rule", ruleId);
        SqlDialect.AddParameter(command, "@site", asset.Site);
        SqlDialect.AddParameter(command, "@asset", asset.Asset);
        SqlDialect.AddParameter(command, "@metric", metric);
        var alerts = await ReadAlertsAsync(command, cancellationToken);
        return alerts.Count > 0 ? alerts[0] : null;
    }

    private async Task InsertEventAsync(DbConnection connection, DbTransaction transaction, AlertEvent alertEvent, CancellationToken cancellationToken)
    {
        await using var command = Command(
            connection,
            transaction,
            "INSERT INTO alert_events (alert_id, ts, kind, from_state, to_state, user_name, note, value) VALUES (@alert, @ts, @kind, @from, @to, @user, @note, @value)");
        SqlDialect.AddParameter(command, "@alert", alertEvent.AlertId);
        SqlDialect.AddParameter(command, "@ts", dialect.Timestamp(alertEvent.Timestamp));
        SqlDialect.AddParameter(command, "@kind", alertEvent.Kind.ToString());
        SqlDialect.AddParameter(command, "@from", alertEvent.FromState.ToString());
        SqlDialect.AddParameter(command, "@to", alertEvent.ToState.ToString());
        SqlDialect.AddParameter(command, "@user", alertEvent.User);
        SqlDialect.AddParameter(command, "@note", alertEvent.Note);
        SqlDialect.AddParameter(command, "@value", alertEvent.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private void AddAlertParameters(DbCommand command, AlertRecord alert)
    {
        SqlDialect.AddParameter(command, "@rule", alert.RuleId);
        SqlDialect.AddParameter(command, "@site", alert.Asset.Site);
        SqlDialect.AddParameter(command, "@asset", alert.Asset.Asset);
        SqlDialect.AddParameter(command, "@metric", alert.Metric);
        SqlDialect.AddParameter(command, "@state", alert.State.ToString());
        SqlDialect.AddParameter(command, "@active", alert.ConditionActive);
        SqlDialect.AddParameter(command, "@priority", alert.Priority.ToString());
        SqlDialect.AddParameter(command, "@message", alert.Message);
        SqlDialect.AddParameter(command, "@value", alert.Value);
        SqlDialect.AddParameter(command, "@activated", Nullable(alert.ActivatedAt));
        SqlDialect.AddParameter(command, "@changed", Nullable(alert.ConditionChangedAt));
        SqlDialect.AddParameter(command, "@ackBy", alert.AcknowledgedBy);
        SqlDialect.AddParameter(command, "@ackAt", Nullable(alert.AcknowledgedAt));
        SqlDialect.AddParameter(command, "@shelvedBy", alert.ShelvedBy);
        SqlDialect.AddParameter(command, "@shelvedUntil", Nullable(alert.ShelvedUntil));
        SqlDialect.AddParameter(command, "@shelveReason", alert.ShelveReason);
        SqlDialect.AddParameter(command, "@version", alert.Version);
        SqlDialect.AddParameter(command, "@updated", dialect.Timestamp(alert.UpdatedAt));
    }

    private object? Nullable(DateTimeOffset? timestamp) => timestamp is { } value ? dialect.Timestamp(value) : null;

    private async Task<List<AlertRecord>> ReadAlertsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var alerts = new List<AlertRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            alerts.Add(new AlertRecord(
                reader.GetInt64(0),
                reader.GetInt64(1),
                new AssetKey(reader.GetString(2), reader.GetString(3)),
                reader.GetString(4),
                Enum.Parse<AlertState>(reader.GetString(5)),
                reader.GetBoolean(6),
                Enum.Parse<AlertPriority>(reader.GetString(7)),
                reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetDouble(9),
                dialect.ReadNullableTimestamp(reader, 10),
                dialect.ReadNullableTimestamp(reader, 11),
                reader.IsDBNull(12) ? null : reader.GetString(12),
                dialect.ReadNullableTimestamp(reader, 13),
                reader.IsDBNull(14) ? null : reader.GetString(14),
                dialect.ReadNullableTimestamp(reader, 15),
                reader.IsDBNull(16) ? null : reader.GetString(16),
                reader.GetInt64(17),
                dialect.ReadTimestamp(reader, 18)));
        }

        return alerts;
    }

    private static AlertRule ReadRule(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        Enum.Parse<RuleKind>(reader.GetString(2)),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetDouble(6),
        reader.GetDouble(7),
        TimeSpan.FromMilliseconds(reader.GetInt64(8)),
        TimeSpan.FromMilliseconds(reader.GetInt64(9)),
        TimeSpan.FromMilliseconds(reader.GetInt64(10)),
        Enum.Parse<AlertPriority>(reader.GetString(11)),
        reader.GetString(12),
        reader.GetBoolean(13));

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
