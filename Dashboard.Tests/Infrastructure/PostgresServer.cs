using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL 15 cluster on 127.0.0.1 and a free port, in its own temporary folder, for
/// storage tests against a real server.
/// </summary>
/// <remarks>
/// <para>
/// One cluster serves the whole test run through the <see cref="PostgresCollection"/> collection fixture;
/// each test class calls <see cref="CreateDatabaseAsync"/> for a database of its own. A test that needs a
/// cluster to itself uses <see cref="StartNewAsync"/> and disposes it.
/// </para>
/// <para>
/// initdb refuses to run as root, so as root the folder is created for the <c>postgres</c> user and every
/// server command runs through <c>runuser -u postgres --</c>; as another user the commands run directly.
/// The cluster uses trust authentication and fsync off: it is fast and insecure, and only loopback and its
/// own Unix socket folder reach it.
/// </para>
/// </remarks>
public sealed partial class PostgresServer : IAsyncLifetime, IAsyncDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    public const string User = "postgres";

    private const string DirectoryPrefix = "dashboard-pg-";
    private const string OwnerFileName = "owner.pid";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Temporary folder that contains the data directory, the Unix socket and the server log.</summary>
    public string Directory { get; private set; } = string.Empty;

    public string DataDirectory => Path.Combine(Directory, "data");

    public string LogPath => Path.Combine(Directory, "postgres.log");

    public string Host => "127.0.0.1";

    public int Port { get; private set; }

    public bool IsRunning { get; private set; }

    /// <summary>Connection string of the <c>postgres</c> maintenance database, as the superuser.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    /// <summary>Creates, configures and starts a cluster that the caller owns and disposes.</summary>
    public static async Task<PostgresServer> StartNewAsync()
    {
        var server = new PostgresServer();
        await server.InitializeAsync();
        return server;
    }

    /// <summary>Runs initdb in a new temporary folder and starts the server; xunit calls this for fixtures.</summary>
    public async Task InitializeAsync()
    {
        RequireInstalled();
        await RemoveAbandonedClustersAsync();

        Port = LoopbackPort.Allocate();
        Directory = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await CreateDirectoryAsync();
            await File.WriteAllTextAsync(Path.Combine(Directory, OwnerFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            await RunServerCommandAsync("initdb", "-D", DataDirectory, "-U", User, "-A", "trust", "-E", "UTF8", "--no-locale");
            await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), ServerSettings());
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server on the same port and data directory, for example after <see cref="StopAsync"/>.</summary>
    public async Task StartAsync()
    {
        await RunServerCommandAsync("pg_ctl", "-D", DataDirectory, "-l", LogPath, "-w", "-t", "60", "start");
        IsRunning = true;
    }

    /// <summary>
    /// Stops the server and waits until it has exited, so clients see an outage. The fast mode disconnects
    /// clients and writes a checkpoint; <paramref name="immediate"/> aborts like a crash, and the next start
    /// runs crash recovery.
    /// </summary>
    public async Task StopAsync(bool immediate = false)
    {
        await RunServerCommandAsync("pg_ctl", "-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", "60", "stop");
        IsRunning = false;
    }

    /// <summary>
    /// Creates an empty database, dropping one of the same name first, and returns its connection string.
    /// </summary>
    /// <remarks>
    /// <see cref="StopAsync"/> and <see cref="StartAsync"/> leave Npgsql's connection pools alone on purpose:
    /// code under test must cope with the broken pooled connections that an outage leaves behind.
    /// </remarks>
    /// <param name="name">Lowercase letters, digits and underscores, starting with a letter; one per test class.</param>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException($"Database name '{name}' is invalid; use lowercase letters, digits and '_', starting with a letter, at most 63 characters.", nameof(name));
        }

        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres", pooling: false));
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        // Pooled connections to a database of the same name were closed by the drop.
        var connectionString = ConnectionStringFor(name);
        using (var pooled = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        return connectionString;
    }

    /// <summary>Returns the connection string of one database as the superuser.</summary>
    public string ConnectionStringFor(string database, bool pooling = true) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = User,
        Database = database,
        Pooling = pooling,
        Timeout = 10,
    }.ConnectionString;

    /// <summary>Returns the server log, for failure messages.</summary>
    public string ReadLog() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : string.Empty;

    public async Task DisposeAsync()
    {
        if (IsRunning)
        {
            await StopAsync(immediate: true);
        }

        NpgsqlConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private static void RequireInstalled()
    {
        foreach (var program in new[] { "initdb", "pg_ctl", "postgres" })
        {
            if (!File.Exists(Path.Combine(BinDirectory, program)))
            {
                throw new InvalidOperationException(
                    $"PostgreSQL 15 is not installed: {Path.Combine(BinDirectory, program)} is missing. " +
                    "Install the Debian package 'postgresql-15' (apt-get install postgresql-15); bash .ci/run installs it.");
            }
        }
    }

    /// <summary>
    /// Stops and deletes clusters left behind by test runs that were killed before their teardown, found by
    /// an owner process id that no longer exists.
    /// </summary>
    private static async Task RemoveAbandonedClustersAsync()
    {
        foreach (var directory in System.IO.Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var ownerFile = Path.Combine(directory, OwnerFileName);
            if (!File.Exists(ownerFile)
                || !int.TryParse(await File.ReadAllTextAsync(ownerFile), CultureInfo.InvariantCulture, out var owner)
                || System.IO.Directory.Exists($"/proc/{owner}"))
            {
                continue;
            }

            var abandoned = new PostgresServer { Directory = directory, IsRunning = File.Exists(Path.Combine(directory, "data", "postmaster.pid")) };
            try
            {
                await abandoned.DisposeAsync();
            }
            catch (InvalidOperationException)
            {
                // pg_ctl found no running server behind a stale postmaster.pid; the folder is deleted anyway.
                System.IO.Directory.Delete(directory, recursive: true);
            }
        }
    }

    private async Task CreateDirectoryAsync()
    {
        if (NativeMethods.IsRoot)
        {
            await ProcessRunner.RunCheckedAsync("install", ["-d", "-o", User, "-g", User, "-m", "700", Directory], CommandTimeout);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string ServerSettings() => string.Join(
        '\n',
        "",
        "# Added by the test fixture: loopback and a private socket folder only, durability traded for speed.",
        "listen_addresses = '127.0.0.1'",
        string.Create(CultureInfo.InvariantCulture, $"port = {Port}"),
        $"unix_socket_directories = '{Directory}'",
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "max_connections = 200",
        "");

    private Task<string> RunServerCommandAsync(string program, params string[] arguments)
    {
        var path = Path.Combine(BinDirectory, program);
        return NativeMethods.IsRoot
            ? ProcessRunner.RunCheckedAsync("runuser", ["-u", User, "--", path, .. arguments], CommandTimeout)
            : ProcessRunner.RunCheckedAsync(path, arguments, CommandTimeout);
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}

/// <summary>
/// The collection that shares one <see cref="PostgresServer"/> among test classes. Classes in it run one
/// after another, so a test may stop and start the server without breaking another class.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
