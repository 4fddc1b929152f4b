using System.Buffers;
using System.Text.Json;
using Dashboard.Mqtt;

namespace Dashboard.Alerts;

/// <summary>
/// Publishes every alert transition to <c>{prefix}/{site}/{asset}/alerts</c> (QoS 1, not retained), so a
/// maintenance system can subscribe to them.
/// </summary>
public sealed class AlertNotifier(MqttPublisher publisher, TopicNames topics)
{
    public void Publish(AlertRecord alert, AlertEvent alertEvent, string ruleName)
    {
        publisher.Enqueue(topics.Topic(alert.Asset, TopicKind.Alerts), Payload(alert, alertEvent, ruleName));
    }

    public static byte[] Payload(AlertRecord alert, AlertEvent alertEvent, string ruleName)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("id", alert.Id);
            json.WriteString("ts", alertEvent.Timestamp.ToUniversalTime());
            json.WriteString("event", alertEvent.Kind.ToString());
            json.WriteString("from", alertEvent.FromState.ToString());
            json.WriteString("state", alertEvent.ToState.ToString());
            json.WriteString("priority", alert.Priority.ToString());
            json.WriteString("site", alert.Asset.Site);
            json.WriteString("asset", alert.Asset.Asset);
            json.WriteString("metric", alert.Metric);
            json.WriteNumber("ruleId", alert.RuleId);
            json.WriteString("rule", ruleName);
            json.WriteString("message", alert.Message);
            if (alertEvent.Value is { } value && double.IsFinite(value))
            {
                json.WriteNumber("value", value);
            }
            else
            {
                json.WriteNull("value");
            }

            json.WriteString("user", alertEvent.User);
            json.WriteString("note", alertEvent.Note);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
