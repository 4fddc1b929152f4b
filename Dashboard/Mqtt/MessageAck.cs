using MQTTnet;

namespace Dashboard.Mqtt;

/// <summary>
/// The pending acknowledgement of one QoS 1 or 2 message, valid only on the connection that delivered it.
/// </summary>
/// <remarks>
/// After a reconnect the broker sends unacknowledged messages again under new packet ids, so an
/// acknowledgement from an earlier connection is skipped rather than sent with a stale id.
/// </remarks>
public sealed class MessageAck
{
    private readonly MqttApplicationMessageReceivedEventArgs _message;
    private readonly ManagedMqttConnection _connection;
    private readonly long _generation;

    internal MessageAck(MqttApplicationMessageReceivedEventArgs message, ManagedMqttConnection connection)
    {
        _message = message;
        _connection = connection;
        _generation = connection.Generation;
    }

    /// <summary>
    /// Sends the acknowledgement; returns false when the connection that delivered the message is gone, in
    /// which case the broker delivers the message again.
    /// </summary>
    public async ValueTask<bool> AcknowledgeAsync(CancellationToken cancellationToken)
    {
        if (_connection.Generation != _generation || !_connection.IsConnected)
        {
            return false;
        }

        try
        {
            await _message.AcknowledgeAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or ObjectDisposedException)
        {
            return false;
        }
    }
}
