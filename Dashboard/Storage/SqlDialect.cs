using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Dashboard.Storage;

/// <summary>
/// The differences between the two stores that plain ADO.NET code has to know: how to open a connection,
/// how timestamps are stored, and a few SQL fragments. Feature stores (alerts, accounts) write one
/// implementation against it instead of one per database.
/// </summary>
public abstract class SqlDialect
{
    /// <summary>Name of the migrations folder: <c>Postgres</c> or <c>Sqlite</c>.</summary>
    public abstract string Provider { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Converts a timestamp into the value stored in a timestamp column.</summary>
    public abstract object Timestamp(DateTimeOffset timestamp);

    public abstract DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal);

    public DateTimeOffset? ReadNullableTimestamp(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadTimestamp(reader, ordinal);

    /// <summary>An SQL expression numbering the buckets of <paramref name="width"/> that a timestamp column falls into.</summary>
    public abstract string TimeBucket(string column, TimeSpan width);

    /// <summary>A window frame bound for a span of time back from the current row, for <c>RANGE BETWEEN … PRECEDING</c>.</summary>
    public abstract string Preceding(TimeSpan span);

    public static void AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}

public sealed class PostgresDialect(NpgsqlDataSource dataSource) : SqlDialect
{
    public override string Provider => "Postgres";

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    // Npgsql writes only UTC DateTimeOffset values to timestamptz.
    public override object Timestamp(DateTimeOffset timestamp) => timestamp.ToUniversalTime();

    public override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override string TimeBucket(string column, TimeSpan width) =>
        FormattableString.Invariant($"floor(extract(epoch FROM {column}) / {width.TotalSeconds})::bigint");

    public override string Preceding(TimeSpan span) => FormattableString.Invariant($"interval '{span.TotalSeconds} seconds' PRECEDING");
}

/// <summary>
/// SQLite stores timestamps as INTEGER counts of 100 ns ticks since 1970-01-01T00:00:00Z (UTC).
/// </summary>
public sealed class SqliteDialect : SqlDialect
{
    private readonly string _connectionString;

    public SqliteDialect(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    public override string Provider => "Sqlite";

    public static long ToTicks(DateTimeOffset timestamp) => timestamp.UtcTicks - DateTime.UnixEpoch.Ticks;

    public static DateTimeOffset FromTicks(long ticks) => new(ticks + DateTime.UnixEpoch.Ticks, TimeSpan.Zero);

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await OpenSqliteAsync(cancellationToken);

    public async Task<SqliteConnection> OpenSqliteAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);

        // FULL makes each commit durable before the messages in it are acknowledged to the broker.
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public override object Timestamp(DateTimeOffset timestamp) => ToTicks(timestamp);

    public override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal) => FromTicks(reader.GetInt64(ordinal));

    public override string TimeBucket(string column, TimeSpan width) => FormattableString.Invariant($"({column} / {width.Ticks})");

    public override string Preceding(TimeSpan span) => FormattableString.Invariant($"{span.Ticks} PRECEDING");
}
