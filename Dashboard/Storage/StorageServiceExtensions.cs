using Dashboard.Mqtt;
using Dashboard.Storage.Postgres;
using Dashboard.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Storage;

public static class StorageServiceExtensions
{
    /// <summary>
    /// Registers the store (PostgreSQL when <c>ConnectionStrings:Dashboard</c> is set, else SQLite), the
    /// batched writer as the ingest sink, start-up migration and restore, retention, and history queries.
    /// Call it before <c>AddMqttIngest</c> so the stored state is restored before the subscriber connects.
    /// </summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection(StorageOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StorageStats>();

        var settings = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        if (!settings.Enabled)
        {
            return builder;
        }

        var connectionString = builder.Configuration.GetConnectionString(StorageOptions.ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
            services.AddSingleton<SqlDialect>(sp => new PostgresDialect(sp.GetRequiredService<NpgsqlDataSource>()));
            services.AddSingleton<IReadingStore, PostgresReadingStore>();
        }
        else
        {
            var directory = Path.Combine(builder.Environment.ContentRootPath, settings.DataDirectory);
            services.AddSingleton(_ => new SqliteDialect(Path.Combine(directory, "dashboard.db")));
            services.AddSingleton<SqlDialect>(sp => sp.GetRequiredService<SqliteDialect>());
            services.AddSingleton<IReadingStore, SqliteReadingStore>();
        }

        services.AddSingleton<StorageReadiness>();
        services.AddSingleton<HistoryService>();
        services.AddHostedService<StorageInitializer>();

        services.AddSingleton<StorageWriter>();
        services.RemoveAll<IIngestSink>();
        services.AddSingleton<IIngestSink>(sp => sp.GetRequiredService<StorageWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<StorageWriter>());
        services.AddHostedService<RetentionService>();
        return builder;
    }
}
