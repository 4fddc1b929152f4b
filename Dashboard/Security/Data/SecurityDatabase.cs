using System.Data.Common;
using Dashboard.Storage;
using Dashboard.Storage.Postgres;
using Dashboard.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Dashboard.Security.Data;

/// <summary>
/// Connections to the product database for the security tables of migration 0003: PostgreSQL when
/// <c>ConnectionStrings:Dashboard</c> is set, otherwise the SQLite file in <c>Storage:DataDirectory</c>.
/// </summary>
/// <remarks>
/// The stores use plain ADO.NET with SQL that both providers accept, rather than Identity's Entity
/// Framework Core stores, because the rest of the product keeps its schema in numbered SQL scripts
/// (<see cref="SchemaMigrator"/>): one schema history and no second migration system. The providers differ
/// only in how they store timestamps, which this class converts as <see cref="SqlDialect"/> does. Unlike
/// <see cref="SqlDialect"/>, it also works with <c>Storage:Enabled=false</c>, because accounts are needed
/// even when readings are not stored.
/// </remarks>
public abstract class SecurityDatabase
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Name of the database for logs, without credentials.</summary>
    public abstract string Description { get; }

    /// <summary>Returns whether the schema is up to date and the tables can be used.</summary>
    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>Opens a connection once the schema is ready; waits for the migration while it runs.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await WaitUntilReadyAsync(cancellationToken);
        return await OpenConnectionAsync(cancellationToken);
    }

    /// <summary>Opens a connection synchronously, for the data-protection key repository whose interface is synchronous.</summary>
    public DbConnection Open(TimeSpan readyTimeout)
    {
        if (!_ready.Task.Wait(readyTimeout))
        {
            throw new TimeoutException($"The security tables in {Description} were not ready within {readyTimeout}; the schema migration has not finished.");
        }

        return OpenConnection();
    }

    public Task WaitUntilReadyAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    /// <summary>Applies the embedded migrations; used only when the storage feature, which migrates otherwise, is disabled.</summary>
    public abstract Task MigrateAsync(ILoggerFactory loggerFactory, CancellationToken cancellationToken);

    /// <summary>Returns a timestamp as the provider stores it.</summary>
    public abstract object ToDb(DateTimeOffset timestamp);

    public object ToDb(DateTimeOffset? timestamp) => timestamp is { } value ? ToDb(value) : DBNull.Value;

    public abstract DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal);

    public DateTimeOffset? ReadNullableTimestamp(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadTimestamp(reader, ordinal);

    internal void SetReady() => _ready.TrySetResult();

    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    protected abstract DbConnection OpenConnection();
}

/// <summary>The security tables in PostgreSQL, through the app's shared <see cref="NpgsqlDataSource"/>.</summary>
public sealed class PostgresSecurityDatabase(NpgsqlDataSource dataSource) : SecurityDatabase
{
    public override string Description
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
            return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        }
    }

    public override async Task MigrateAsync(ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var store = new PostgresReadingStore(dataSource, loggerFactory.CreateLogger<PostgresReadingStore>());
        await store.MigrateAsync(cancellationToken);
    }

    public override object ToDb(DateTimeOffset timestamp) => timestamp.ToUniversalTime();

    public override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    protected override DbConnection OpenConnection() => dataSource.OpenConnection();
}

/// <summary>The security tables in the embedded SQLite file, with foreign keys enforced.</summary>
public sealed class SqliteSecurityDatabase : SecurityDatabase
{
    private readonly string _connectionString;

    public SqliteSecurityDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
            ForeignKeys = true,
        }.ToString();
    }

    public string Path { get; }

    public override string Description => $"SQLite {Path}";

    public override async Task MigrateAsync(ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var store = new SqliteReadingStore(new SqliteDialect(Path), loggerFactory.CreateLogger<SqliteReadingStore>());
        await store.MigrateAsync(cancellationToken);
    }

    public override object ToDb(DateTimeOffset timestamp) => SqliteDialect.ToTicks(timestamp);

    public override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal) => SqliteDialect.FromTicks(reader.GetInt64(ordinal));

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    protected override DbConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}

/// <summary>Short forms for parameterised commands that both providers run unchanged.</summary>
internal static class DbCommandExtensions
{
    public static DbCommand Command(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static DbCommand With(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    public static string? GetNullableString(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
