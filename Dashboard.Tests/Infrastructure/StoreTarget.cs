using System.Data.Common;
using Dashboard.Storage;
using Dashboard.Storage.Postgres;
using Dashboard.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// One empty database of either kind with the app's store on it: a new PostgreSQL database on a
/// <see cref="PostgresServer"/>, or an SQLite file in a new temporary folder. Tests read the tables with
/// plain SQL through <see cref="Dialect"/> to check what the store wrote.
/// </summary>
public sealed class StoreTarget : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _dataSource;
    private readonly string? _sqliteDirectory;

    private StoreTarget(IReadingStore store, SqlDialect dialect, NpgsqlDataSource? dataSource, string? sqliteDirectory, string? connectionString)
    {
        Store = store;
        Dialect = dialect;
        _dataSource = dataSource;
        _sqliteDirectory = sqliteDirectory;
        ConnectionString = connectionString;
    }

    public IReadingStore Store { get; }

    public SqlDialect Dialect { get; }

    /// <summary><c>Postgres</c> or <c>Sqlite</c>, the name of the migrations folder.</summary>
    public string Provider => Dialect.Provider;

    /// <summary>Connection string of the PostgreSQL database; null for SQLite.</summary>
    public string? ConnectionString { get; }

    /// <summary>Folder of the SQLite file; null for PostgreSQL.</summary>
    public string? DataDirectory => _sqliteDirectory;

    /// <summary>Creates an SQLite store in a new temporary folder; the schema is not migrated yet.</summary>
    public static Task<StoreTarget> CreateSqliteAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "dashboard-tests", Guid.NewGuid().ToString("N"));
        var dialect = new SqliteDialect(Path.Combine(directory, "dashboard.db"));
        var store = new SqliteReadingStore(dialect, NullLogger<SqliteReadingStore>.Instance);
        return Task.FromResult(new StoreTarget(store, dialect, null, directory, null));
    }

    /// <summary>Creates a PostgreSQL store on a new database named <paramref name="database"/>; the schema is not migrated yet.</summary>
    public static async Task<StoreTarget> CreatePostgresAsync(PostgresServer server, string database)
    {
        var connectionString = await server.CreateDatabaseAsync(database);
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresReadingStore(dataSource, NullLogger<PostgresReadingStore>.Instance);
        return new StoreTarget(store, new PostgresDialect(dataSource), dataSource, null, connectionString);
    }

    /// <summary>Returns a unique PostgreSQL database name with the given prefix.</summary>
    public static string UniqueDatabaseName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];

    /// <summary>
    /// Creates a second store instance on the same database, as the app would after a restart: no ids are
    /// cached, and the caller disposes it.
    /// </summary>
    public IReadingStore CreateSecondStore(out IAsyncDisposable resources)
    {
        if (_dataSource is not null)
        {
            var dataSource = NpgsqlDataSource.Create(ConnectionString!);
            resources = dataSource;
            return new PostgresReadingStore(dataSource, NullLogger<PostgresReadingStore>.Instance);
        }

        var dialect = new SqliteDialect(((SqliteDialect)Dialect).Path);
        resources = new NothingToDispose();
        return new SqliteReadingStore(dialect, NullLogger<SqliteReadingStore>.Instance);
    }

    /// <summary>Converts a timestamp into a parameter value for the store's timestamp columns.</summary>
    public object Timestamp(DateTimeOffset timestamp) => Dialect.Timestamp(timestamp);

    public async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await Dialect.OpenAsync(CancellationToken.None);
        await using var command = CreateCommand(connection, sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a query that returns one number, such as <c>SELECT count(*) …</c>.</summary>
    public async Task<long> CountAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await Dialect.OpenAsync(CancellationToken.None);
        await using var command = CreateCommand(connection, sql, parameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs a query and returns every row as an array of column values, with NULL as null.</summary>
    public async Task<List<object?[]>> QueryAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await Dialect.OpenAsync(CancellationToken.None);
        await using var command = CreateCommand(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_sqliteDirectory is not null)
        {
            // Pooled connections keep the file open; release them before deleting the folder.
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_sqliteDirectory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // The schema was never migrated, so the folder was never created.
            }
        }
    }

    private static DbCommand CreateCommand(DbConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            SqlDialect.AddParameter(command, name, value);
        }

        return command;
    }

    private sealed class NothingToDispose : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
