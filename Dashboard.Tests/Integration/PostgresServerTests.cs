using Dashboard.Tests.Infrastructure;
using Npgsql;

namespace Dashboard.Tests.Integration;

/// <summary>
/// Checks the shared PostgreSQL fixture that storage tests build on: databases per class, and an outage
/// (stop, then start on the same port and data directory) that keeps committed data.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresServerTests(PostgresServer server) : IAsyncLifetime
{
    private string _connectionString = string.Empty;

    public async Task InitializeAsync() => _connectionString = await server.CreateDatabaseAsync("postgres_server_tests");

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Database_IsEmptyAndOnLoopback()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();

        Assert.Equal("postgres_server_tests", connection.Database);
        Assert.StartsWith("15.", connection.PostgreSqlVersion.ToString(), StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>(connection, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
        Assert.Equal("127.0.0.1", await ScalarAsync<string>(connection, "SELECT current_setting('listen_addresses')"));
    }

    [Fact]
    public async Task StopAndStart_KeepsDataOnSamePort()
    {
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, "CREATE TABLE outage (id int); INSERT INTO outage VALUES (1), (2);");
        }

        var port = server.Port;
        await server.StopAsync();
        NpgsqlConnection.ClearAllPools();
        await using (var refused = new NpgsqlConnection(_connectionString))
        {
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => refused.OpenAsync());
        }

        await server.StartAsync();
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            Assert.Equal(port, server.Port);
            Assert.Equal(2L, await ScalarAsync<long>(connection, "SELECT count(*) FROM outage"));
        }
    }

    [Fact]
    public async Task CreateDatabase_RejectsUnsafeName()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => server.CreateDatabaseAsync("x\"; DROP DATABASE postgres; --"));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
