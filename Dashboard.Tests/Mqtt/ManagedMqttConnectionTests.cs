using System.Net;
using System.Threading.Channels;
using Dashboard.Mqtt;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Server;

namespace Dashboard.Tests.Mqtt;

public sealed class ManagedMqttConnectionTests
{
    [Fact]
    public void ReconnectDelay_DoublesUpToCap()
    {
        var connection = Create(new MqttClientFactory().CreateMqttClient(), TimeSpan.FromSeconds(30), TimeProvider.System, port: 1);

        var delays = Enumerable.Range(1, 8).Select(failures => connection.ReconnectDelay(failures).TotalSeconds);

        Assert.Equal([1.0, 2, 4, 8, 16, 30, 30, 30], delays);
        Assert.Equal(TimeSpan.FromSeconds(30), connection.ReconnectDelay(1_000_000));
    }

    [Fact]
    public async Task StartPublish_NotConnected_ReturnsFailedTask()
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var message = new MqttApplicationMessageBuilder().WithTopic("plant/north/pump-1/telemetry").WithPayload("{}").Build();

        // MQTTnet 5 throws synchronously when the client is not connected; the helper must not.
        var thrownAtOnce = Record.Exception(() => { _ = client.PublishAsync(message, CancellationToken.None); });
        Assert.IsType<MQTTnet.Exceptions.MqttClientNotConnectedException>(thrownAtOnce);
        var publish = ManagedMqttConnection.StartPublish(client, message, CancellationToken.None);

        Assert.True(publish.IsFaulted);
        await Assert.ThrowsAsync<MQTTnet.Exceptions.MqttClientNotConnectedException>(() => publish);
    }

    [Fact]
    public void ReconnectDelay_CapBelowOneSecond_IsCap()
    {
        var connection = Create(new MqttClientFactory().CreateMqttClient(), TimeSpan.FromMilliseconds(500), TimeProvider.System, port: 1);

        Assert.Equal(TimeSpan.FromMilliseconds(500), connection.ReconnectDelay(1));
    }

    [Fact]
    public async Task RunAsync_BrokerDown_WaitsWithBackOff()
    {
        var time = new TimerRecordingTimeProvider();
        using var client = new MqttClientFactory().CreateMqttClient();
        var attempts = 0;
        var connection = Create(client, TimeSpan.FromSeconds(10), time, LoopbackPort.Allocate(), state =>
        {
            if (state == BrokerConnectionState.Connecting)
            {
                Interlocked.Increment(ref attempts);
            }
        });
        using var stop = new CancellationTokenSource();
        var loop = connection.RunAsync(stop.Token);

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            var wait = await time.NextTimerAsync();
            waits.Add(wait);
            Assert.Equal(i + 1, Volatile.Read(ref attempts));
            time.Advance(wait);
        }

        await stop.CancelAsync();
        await loop.WaitAsync(Poll.DefaultTimeout);
        Assert.Equal([1.0, 2, 4, 8, 10, 10], waits.Select(wait => wait.TotalSeconds));
    }

    [Fact]
    public async Task RunAsync_SuccessfulConnect_ResetsBackOff()
    {
        var time = new TimerRecordingTimeProvider();
        var port = LoopbackPort.Allocate();
        using var client = new MqttClientFactory().CreateMqttClient();
        var connected = 0;
        var connection = Create(client, TimeSpan.FromSeconds(30), time, port, state =>
        {
            if (state == BrokerConnectionState.Connected)
            {
                Interlocked.Increment(ref connected);
            }
        });
        using var stop = new CancellationTokenSource();
        var loop = connection.RunAsync(stop.Token);

        // Three failures: 1 s, 2 s, 4 s.
        for (var i = 0; i < 3; i++)
        {
            time.Advance(await time.NextTimerAsync());
        }

        Assert.Equal(TimeSpan.FromSeconds(8), await time.NextTimerAsync());
        using (var broker = await StartBrokerAsync(port))
        {
            time.Advance(TimeSpan.FromSeconds(8));
            await Poll.UntilPassesAsync(() => Assert.Equal(1, Volatile.Read(ref connected)));
            // The generation changes before every attempt: four failed ones and the successful fifth.
            Assert.Equal(5, connection.Generation);
            await broker.StopAsync();
        }

        // The drop ends a good connection, so the next wait starts at one second again.
        Assert.Equal(TimeSpan.FromSeconds(1), await time.NextTimerAsync());
        await stop.CancelAsync();
        await loop.WaitAsync(Poll.DefaultTimeout);
    }

    [Fact]
    public async Task RunAsync_Cancelled_Returns()
    {
        var time = new TimerRecordingTimeProvider();
        using var client = new MqttClientFactory().CreateMqttClient();
        var connection = Create(client, TimeSpan.FromSeconds(30), time, LoopbackPort.Allocate());
        using var stop = new CancellationTokenSource();
        var loop = connection.RunAsync(stop.Token);
        await time.NextTimerAsync();

        await stop.CancelAsync();

        await loop.WaitAsync(Poll.DefaultTimeout);
        Assert.False(connection.IsConnected);
    }

    private static ManagedMqttConnection Create(IMqttClient client, TimeSpan maxDelay, TimeProvider time, int port, Action<BrokerConnectionState>? onState = null)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId($"backoff-{Guid.NewGuid():N}")
            .WithTimeout(TimeSpan.FromSeconds(5))
            .Build();
        return new ManagedMqttConnection(client, options, "test", $"127.0.0.1:{port}", maxDelay, time, NullLogger.Instance)
        {
            OnStateChanged = (state, _) => onState?.Invoke(state),
        };
    }

    private static async Task<MqttServer> StartBrokerAsync(int port)
    {
        var factory = new MqttServerFactory();
        var options = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(port)
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .Build();
        var server = factory.CreateMqttServer(options);
        await server.StartAsync();
        return server;
    }

    /// <summary>
    /// A fake clock that reports the due time of every timer created on it, so a test can see each
    /// back-off wait begin and then advance time by exactly that wait.
    /// </summary>
    private sealed class TimerRecordingTimeProvider : TimeProvider
    {
        private readonly FakeTimeProvider _fake = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        private readonly Channel<TimeSpan> _dueTimes = Channel.CreateUnbounded<TimeSpan>();

        public override long TimestampFrequency => _fake.TimestampFrequency;

        public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

        public override long GetTimestamp() => _fake.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _dueTimes.Writer.TryWrite(dueTime);
            return _fake.CreateTimer(callback, state, dueTime, period);
        }

        public void Advance(TimeSpan delta) => _fake.Advance(delta);

        public async Task<TimeSpan> NextTimerAsync() => await _dueTimes.Reader.ReadAsync().AsTask().WaitAsync(Poll.DefaultTimeout);
    }
}
