using System.Data.Common;
using System.Reflection;
using Dashboard.Hosting;

namespace Dashboard.Storage;

/// <summary>
/// Applies the ordered SQL scripts embedded under Storage/Migrations/{provider}/ that the database has not
/// seen yet, each in its own transaction, and records each in <c>schema_migrations</c>.
/// </summary>
/// <remarks>
/// Plain numbered SQL files were chosen over a migration library: the schema is small, both providers need
/// hand-written SQL anyway (COPY, BRIN, WITHOUT ROWID), and a reader sees exactly what runs. A script's
/// number is its version; a script is never edited once released, only followed by a new one.
/// </remarks>
public static class SchemaMigrator
{
    /// <summary>Returns the embedded scripts of one provider as (version, name, SQL), in version order.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts(string provider)
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var prefix = $"Migrations/{provider}/";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name =>
            {
                var file = name[prefix.Length..];
                var version = int.Parse(file.AsSpan(0, file.IndexOf('_')), System.Globalization.CultureInfo.InvariantCulture);
                return (version, file, Read(assembly, name));
            })
            .OrderBy(script => script.version)
            .ToArray();
    }

    /// <summary>
    /// Applies pending scripts on an open connection. The caller holds whatever lock keeps two instances
    /// from migrating at once.
    /// </summary>
    public static async Task<int> ApplyAsync(DbConnection connection, string provider, string timestampSql, ILogger logger, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at " + timestampSql + ")", cancellationToken);

        var applied = new HashSet<int>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT version FROM schema_migrations";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var count = 0;
        foreach (var (version, name, sql) in Scripts(provider))
        {
            if (applied.Contains(version))
            {
                continue;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, sql, cancellationToken);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @appliedAt)";
                AddParameter(record, "@version", version);
                AddParameter(record, "@name", name);
                AddParameter(record, "@appliedAt", provider == "Sqlite" ? DateTimeOffset.UtcNow.ToString("O") : DateTimeOffset.UtcNow);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            LogMessages.MigrationApplied(logger, provider, version, name);
            count++;
        }

        return count;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
