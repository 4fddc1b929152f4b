using Dashboard.Mqtt;
using Dashboard.Storage;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Storage;

/// <summary>
/// <see cref="StorageWriter"/> on both stores, with a database that really rejects one value: a CHECK
/// constraint on PostgreSQL, a trigger on SQLite. The parser validates names and numbers, so no message
/// that it accepts fails in the unchanged schema. The added rule takes the place of any data error.
/// </summary>
public abstract class StorageWriterTests : StoreTestBase
{
    protected const double Poison = 666;

    private readonly InMemoryLoggerProvider _logs = new();
    private readonly StorageStats _stats = new();
    private readonly StorageReadiness _readiness = new();

    /// <summary>Makes the database reject every reading with <paramref name="value"/> as a data error.</summary>
    protected abstract Task RejectValueAsync(double value);

    protected StorageStats Stats => _stats;

    protected InMemoryLoggerProvider Logs => _logs;

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public async Task PoisonMessage_IsDroppedAndCounted(int batchSize)
    {
        await RejectValueAsync(Poison);
        var writer = CreateWriter(new StorageOptions { BatchSize = batchSize, FlushInterval = TimeSpan.FromMilliseconds(50) });
        for (var i = 0; i < 10; i++)
        {
            await writer.WriteAsync(Item(Reading(Pump, T0.AddSeconds(i), ("T30", i == 4 ? Poison : i), ("P30", i))), CancellationToken.None);
        }

        await RunAsync(writer, async () =>
        {
            await Poll.UntilPassesAsync(() => Assert.Equal(0, _stats.Backlog));

            Assert.Equal(10, _stats.StoredMessages);
            Assert.Equal(1, _stats.DroppedMessages);
            Assert.Equal(18, await Target.CountAsync("SELECT count(*) FROM readings"));
            Assert.Equal(0, await Target.CountAsync("SELECT count(*) FROM readings WHERE ts = @ts", ("@ts", Target.Timestamp(T0.AddSeconds(4)))));
            Assert.Equal(18, await Target.CountAsync("SELECT sum(count) FROM readings_minute"));
            var logged = Assert.Single(_logs.Lines, line => line.EventId.Id == 2009);
            Assert.Contains("north/pump-1", logged.Message, StringComparison.Ordinal);
            Assert.True(_stats.IsHealthy);
        });
    }

    [Fact]
    public async Task Stop_StoresWhatWasReceived()
    {
        // A long flush interval keeps the batch open until the stop, as at any instant between two batches.
        var writer = CreateWriter(new StorageOptions { BatchSize = 1000, FlushInterval = TimeSpan.FromMinutes(10) });
        _readiness.SetReady();
        await writer.StartAsync(CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            await writer.WriteAsync(Item(Reading(Pump, T0.AddSeconds(i), ("T30", i))), CancellationToken.None);
        }

        await Poll.UntilPassesAsync(() => Assert.Equal(0, writer.QueuedMessages));
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(5, await Target.CountAsync("SELECT count(*) FROM readings"));
        Assert.Equal(5, _stats.StoredMessages);
        writer.Dispose();
    }

    [Fact]
    public async Task RejectedMessages_AreNotStored()
    {
        var writer = CreateWriter(new StorageOptions { FlushInterval = TimeSpan.FromMilliseconds(50) });
        await writer.WriteAsync(new IngestItem(ParseResult.Rejected(RejectReason.InvalidJson, "invalid JSON"), null, T0), CancellationToken.None);
        await writer.WriteAsync(Item(Reading(Pump, T0, ("T30", 1))), CancellationToken.None);

        await RunAsync(writer, async () =>
        {
            await Poll.UntilPassesAsync(() => Assert.Equal(0, _stats.Backlog));

            Assert.Equal(2, _stats.StoredMessages);
            Assert.Equal(1, await Target.CountAsync("SELECT count(*) FROM readings"));
            Assert.Equal(0, _stats.DroppedMessages);
        });
    }

    protected StorageWriter CreateWriter(StorageOptions options)
    {
        var factory = LoggerFactory.Create(builder => builder.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));
        return new StorageWriter(Store, _stats, _readiness, Options.Create(options), TimeProvider.System, factory.CreateLogger<StorageWriter>());
    }

    protected static IngestItem Item(TelemetryReading reading) => new(ParseResult.Accepted(reading, 0), null, T0);

    /// <summary>Marks the schema ready, runs the writer through <paramref name="test"/>, and checks that it never failed.</summary>
    protected async Task RunAsync(StorageWriter writer, Func<Task> test)
    {
        _readiness.SetReady();
        await writer.StartAsync(CancellationToken.None);
        try
        {
            await test();
            Assert.False(writer.ExecuteTask!.IsCompleted, $"The writer stopped: {writer.ExecuteTask.Exception}\n{_logs.Text()}");
        }
        finally
        {
            await writer.StopAsync(CancellationToken.None);
            writer.Dispose();
        }
    }
}

public sealed class SqliteStorageWriterTests : StorageWriterTests
{
    protected override Task<StoreTarget> CreateTargetAsync() => StoreTarget.CreateSqliteAsync();

    protected override Task RejectValueAsync(double value) => Target.ExecuteAsync(
        $"""
        CREATE TRIGGER test_reject_value BEFORE INSERT ON readings WHEN NEW.value = {value}
        BEGIN SELECT RAISE(ABORT, 'value {value} is rejected by a test trigger'); END
        """);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresStorageWriterTests(PostgresServer server) : StorageWriterTests
{
    protected override Task<StoreTarget> CreateTargetAsync() => StoreTarget.CreatePostgresAsync(server, StoreTarget.UniqueDatabaseName("writer"));

    protected override Task RejectValueAsync(double value) =>
        Target.ExecuteAsync($"ALTER TABLE readings ADD CONSTRAINT test_reject_value CHECK (value IS DISTINCT FROM {value})");

    [Fact]
    public async Task OneByOneTransientError_IsRetried()
    {
        // The poison sends the batch down the one-by-one path. There, the first insert of 777 fails with a
        // serialization failure (SQLSTATE 40001), which is worth retrying. A sequence counts the attempts
        // because a failed transaction does not roll it back.
        await RejectValueAsync(Poison);
        await Target.ExecuteAsync(
            """
            CREATE SEQUENCE test_fail_once;
            CREATE FUNCTION test_fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.value = 777 THEN
                    IF nextval('test_fail_once') = 1 THEN
                        RAISE EXCEPTION 'simulated serialization failure' USING ERRCODE = '40001';
                    END IF;
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_fail_once BEFORE INSERT ON readings FOR EACH ROW EXECUTE FUNCTION test_fail_once();
            """);
        var writer = CreateWriter(new StorageOptions { BatchSize = 100, FlushInterval = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromSeconds(1) });
        double[] values = [Poison, 1, 777, 2];
        for (var i = 0; i < values.Length; i++)
        {
            await writer.WriteAsync(Item(Reading(Pump, T0.AddSeconds(i), ("T30", values[i]))), CancellationToken.None);
        }

        await RunAsync(writer, async () =>
        {
            await Poll.UntilPassesAsync(() => Assert.Equal(0, Stats.Backlog));

            var stored = await ReadRawAsync(Pump, "T30", T0, T0.AddMinutes(1));
            Assert.Equal([1.0, 777, 2], stored.Select(sample => sample.Value!.Value));
            Assert.Equal(1, Stats.DroppedMessages);
            Assert.Equal(2, await Target.CountAsync("SELECT last_value FROM test_fail_once"));
        });
    }
}
