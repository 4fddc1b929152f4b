using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Security;

/// <summary>
/// Starts apps on one of the two product databases, so a security test runs against the embedded SQLite
/// file and a real PostgreSQL server alike. Two starts of one instance share the same data.
/// </summary>
public sealed class ProviderHosts(PostgresServer postgres, string provider)
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "dashboard-tests", Guid.NewGuid().ToString("N"));
    private string? _connectionString;

    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>A password written into the PostgreSQL connection string; the trust-authenticated test server ignores it.</summary>
    public static string ConnectionPassword { get; } = "pg-" + Guid.NewGuid().ToString("N");

    public async Task<DashboardHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, BrokerAddress? externalBroker = null)
    {
        var values = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (provider == Postgres)
        {
            _connectionString ??= await postgres.CreateDatabaseAsync("security_" + Guid.NewGuid().ToString("N")[..12]) + $";Password={ConnectionPassword}";
            values["ConnectionStrings:Dashboard"] = _connectionString;
        }

        return await DashboardHost.StartAsync(new DashboardHostOptions { DataDirectory = _dataDirectory, Settings = values, ExternalBroker = externalBroker });
    }
}
