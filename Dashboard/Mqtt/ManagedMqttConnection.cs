using Dashboard.Hosting;
using MQTTnet;

namespace Dashboard.Mqtt;

/// <summary>
/// Keeps one MQTTnet client connected: connects, runs the caller's set-up (subscriptions) after every
/// connect, waits for the connection to drop, and reconnects with a doubling delay capped at a maximum.
/// </summary>
/// <remarks>
/// MQTTnet 5 has no managed client, so reconnecting is the application's job. Event handlers are attached
/// once by the owner when it creates the client; this loop never attaches them again. It never reconnects
/// from inside the disconnect event: the event only completes a task that the loop awaits.
/// </remarks>
public sealed class ManagedMqttConnection(
    IMqttClient client,
    MqttClientOptions options,
    string name,
    string broker,
    TimeSpan maxReconnectDelay,
    TimeProvider time,
    ILogger logger)
{
    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromSeconds(1);
    private long _generation;

    public IMqttClient Client => client;

    /// <summary>Broker address as shown in logs and on the Diagnostics page, such as <c>127.0.0.1:1883</c>.</summary>
    public string Broker => broker;

    /// <summary>Number of connection attempts so far; changes before every connect.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool IsConnected => client.IsConnected;

    /// <summary>Called after each successful connect, before the connection counts as up.</summary>
    public Func<MqttClientConnectResult, CancellationToken, Task>? OnConnectedAsync { get; init; }

    /// <summary>Called on every change of the connection state, with the error that caused a drop.</summary>
    public Action<BrokerConnectionState, string?>? OnStateChanged { get; init; }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled, then disconnects cleanly.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task OnDisconnected(MqttClientDisconnectedEventArgs args)
            {
                disconnected.TrySetResult();
                return Task.CompletedTask;
            }

            client.DisconnectedAsync += OnDisconnected;
            try
            {
                OnStateChanged?.Invoke(BrokerConnectionState.Connecting, null);

                // The generation changes before connecting: a broker with a kept session may deliver messages
                // right after CONNACK, and their acknowledgements must belong to this connection.
                Interlocked.Increment(ref _generation);
                var result = await client.ConnectAsync(options, cancellationToken);
                if (OnConnectedAsync is not null)
                {
                    await OnConnectedAsync(result, cancellationToken);
                }

                failures = 0;
                OnStateChanged?.Invoke(BrokerConnectionState.Connected, null);
                LogMessages.MqttConnected(logger, name, Broker, result.IsSessionPresent);

                await disconnected.Task.WaitAsync(cancellationToken);
                OnStateChanged?.Invoke(BrokerConnectionState.Disconnected, "connection lost");
                LogMessages.MqttDisconnected(logger, name, Broker);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures++;
                var delay = ReconnectDelay(failures);
                OnStateChanged?.Invoke(BrokerConnectionState.Disconnected, e.Message);
                LogMessages.MqttConnectFailed(logger, e, name, Broker, failures, delay);
                await DisconnectQuietlyAsync();
                try
                {
                    await Task.Delay(delay, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            finally
            {
                client.DisconnectedAsync -= OnDisconnected;
            }
        }

        await DisconnectQuietlyAsync();
    }

    /// <summary>Returns the wait before attempt <paramref name="failures"/> + 1: 1 s, 2 s, 4 s … up to the cap.</summary>
    public TimeSpan ReconnectDelay(int failures)
    {
        var seconds = FirstReconnectDelay.TotalSeconds * Math.Pow(2, Math.Min(failures - 1, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, maxReconnectDelay.TotalSeconds));
    }

    private async Task DisconnectQuietlyAsync()
    {
        if (!client.IsConnected)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or ObjectDisposedException)
        {
            LogMessages.MqttDisconnectFailed(logger, e, name);
        }
    }

    /// <summary>
    /// Starts one publish on <paramref name="client"/>. MQTTnet throws at once, not through the task, when the
    /// connection is gone. This method returns that failure as a failed task, so callers handle it like any
    /// failed publish instead of letting it escape their loop.
    /// </summary>
    public static Task<MqttClientPublishResult> StartPublish(IMqttClient client, MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        try
        {
            return client.PublishAsync(message, cancellationToken);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            return Task.FromException<MqttClientPublishResult>(e);
        }
    }
}
