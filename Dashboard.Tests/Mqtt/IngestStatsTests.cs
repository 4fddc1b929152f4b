using System.Text;
using Dashboard.Mqtt;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Tests.Mqtt;

public sealed class IngestStatsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(T0);

    [Fact]
    public void RecordRejected_CountsByReason()
    {
        var stats = Create();

        stats.RecordRejected("t", RejectReason.InvalidJson, "d", "x"u8);
        stats.RecordRejected("t", RejectReason.InvalidJson, "d", "x"u8);
        stats.RecordRejected("t", RejectReason.TooLarge, "d", "x"u8);

        Assert.Equal(2, stats.Rejected(RejectReason.InvalidJson));
        Assert.Equal(1, stats.Rejected(RejectReason.TooLarge));
        Assert.Equal(0, stats.Rejected(RejectReason.NotUtf8));
        Assert.Equal(3, stats.RejectedTotal);
        var byReason = stats.RejectedByReason();
        Assert.Equal(Enum.GetValues<RejectReason>().Length, byReason.Count);
        Assert.Equal(2, byReason[RejectReason.InvalidJson]);
    }

    [Fact]
    public void RecordAccepted_CountsKindsAndDroppedValues()
    {
        var stats = Create();
        var reading = new TelemetryReading(new AssetKey("s", "a"), T0, [new MetricValue("m", 1)]);
        var health = new HealthEstimate(new AssetKey("s", "a"), T0, 50, null, "m");

        stats.RecordAccepted(ParseResult.Accepted(reading, droppedValues: 3));
        stats.RecordAccepted(ParseResult.Accepted(reading, droppedValues: 0));
        stats.RecordAccepted(ParseResult.Accepted(health));

        Assert.Equal(2, stats.AcceptedTelemetry);
        Assert.Equal(1, stats.AcceptedHealth);
        Assert.Equal(3, stats.Accepted);
        Assert.Equal(3, stats.DroppedValues);
    }

    [Fact]
    public void LastRejected_KeepsNewestUpToLimit()
    {
        var stats = Create(new IngestOptions { RejectedMessagesKept = 3 });

        for (var i = 1; i <= 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            stats.RecordRejected($"topic-{i}", RejectReason.InvalidJson, $"detail {i}", Encoding.UTF8.GetBytes($"payload {i}"));
        }

        var kept = stats.LastRejected();
        Assert.Equal(["topic-5", "topic-4", "topic-3"], kept.Select(message => message.Topic));
        Assert.Equal("payload 5", kept[0].Payload);
        Assert.Equal("detail 5", kept[0].Detail);
        Assert.Equal(T0.AddSeconds(5), kept[0].ReceivedAt);
        Assert.Equal(5, stats.Rejected(RejectReason.InvalidJson));
    }

    [Fact]
    public void LastRejected_ZeroKept_KeepsNoneButCounts()
    {
        var stats = Create(new IngestOptions { RejectedMessagesKept = 0 });

        stats.RecordRejected("t", RejectReason.NotUtf8, "d", [0xFF]);

        Assert.Empty(stats.LastRejected());
        Assert.Equal(1, stats.RejectedTotal);
    }

    [Fact]
    public void RecordRejected_LongPayload_IsCut()
    {
        var stats = Create();

        var rejected = stats.RecordRejected("t", RejectReason.TooLarge, "d", Encoding.UTF8.GetBytes(new string('x', 100_000)));

        Assert.Equal(IngestStats.MaxPayloadShown + 1, rejected.Payload.Length);
        Assert.EndsWith("…", rejected.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordRejected_InvalidUtf8_IsShownWithReplacement()
    {
        var stats = Create();

        var rejected = stats.RecordRejected("t", RejectReason.NotUtf8, "d", [0x7B, 0xFF, 0x7D]);

        Assert.Equal("{\uFFFD}", rejected.Payload);
    }

    [Fact]
    public void MessagesPerSecond_AveragesCompleteSeconds()
    {
        var stats = Create();

        for (var second = 0; second < 9; second++)
        {
            for (var i = 0; i < 10; i++)
            {
                stats.RecordReceived();
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(10, stats.MessagesPerSecond(), precision: 6);
        Assert.Equal(90, stats.Received);
    }

    [Fact]
    public void MessagesPerSecond_ForgetsOldSeconds()
    {
        var stats = Create();
        for (var i = 0; i < 100; i++)
        {
            stats.RecordReceived();
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(100 / 9.0, stats.MessagesPerSecond(), precision: 6);

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, stats.MessagesPerSecond());

        _time.Advance(TimeSpan.FromHours(1));
        stats.RecordReceived();
        Assert.Equal(0, stats.MessagesPerSecond());
        Assert.Equal(101, stats.Received);
    }

    [Fact]
    public void MessagesPerSecond_IgnoresStaleReceiveTime()
    {
        var stats = Create();
        stats.RecordReceived();
        _time.Advance(TimeSpan.FromSeconds(1));
        stats.RecordReceived();

        // A receive time that lies a whole window behind the current second (a clock step back) shares its
        // slot and must not be counted in it.
        stats.RecordReceived(T0.AddSeconds(1 - 10));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(2 / 9.0, stats.MessagesPerSecond(), precision: 6);
        Assert.Equal(3, stats.Received);
    }

    [Fact]
    public void SetConnection_CountsReconnectsAfterFirstConnect()
    {
        var stats = Create();
        Assert.Equal(BrokerConnectionState.Connecting, stats.ConnectionState);

        stats.SetConnection(BrokerConnectionState.Connected, "127.0.0.1:1883");
        Assert.Equal(0, stats.Reconnects);

        _time.Advance(TimeSpan.FromSeconds(5));
        stats.SetConnection(BrokerConnectionState.Disconnected, "127.0.0.1:1883", "connection lost");
        stats.SetConnection(BrokerConnectionState.Connecting, "127.0.0.1:1883");
        stats.SetConnection(BrokerConnectionState.Connected, "127.0.0.1:1883");

        Assert.Equal(1, stats.Reconnects);
        Assert.Equal(BrokerConnectionState.Connected, stats.ConnectionState);
        Assert.Equal("127.0.0.1:1883", stats.Broker);
        Assert.Equal("connection lost", stats.LastConnectionError);
        Assert.Equal(T0.AddSeconds(5), stats.ConnectionChangedAt);
    }

    [Fact]
    public async Task Counters_AreThreadSafe()
    {
        var stats = Create(new IngestOptions { RejectedMessagesKept = 10 });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                stats.RecordReceived();
                stats.RecordRejected("t", RejectReason.InvalidTopic, "d", "x"u8);
            }
        })));

        Assert.Equal(40_000, stats.Received);
        Assert.Equal(40_000, stats.Rejected(RejectReason.InvalidTopic));
        Assert.Equal(10, stats.LastRejected().Count);
    }

    private IngestStats Create(IngestOptions? options = null) => new(_time, Options.Create(options ?? new IngestOptions()));
}
