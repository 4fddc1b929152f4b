using System.Buffers;
using System.Text.Json;

namespace Dashboard.Mqtt;

/// <summary>
/// Writes payloads of the MQTT contract, the counterpart of <see cref="PayloadParser"/>.
/// </summary>
public static class PayloadWriter
{
    public static byte[] Telemetry(DateTimeOffset timestamp, IEnumerable<MetricValue> values)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("ts", timestamp.ToUniversalTime());
            json.WriteStartObject("values");
            foreach (var (metric, value) in values)
            {
                if (value is { } number && double.IsFinite(number))
                {
                    json.WriteNumber(metric, number);
                }
                else
                {
                    json.WriteNull(metric);
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Health(HealthEstimate estimate)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("ts", estimate.Timestamp.ToUniversalTime());
            if (estimate.Health is { } health)
            {
                json.WriteNumber("health", Math.Round(health, 2));
            }
            else
            {
                json.WriteNull("health");
            }

            if (estimate.Rul is { } rul)
            {
                json.WriteStartObject("rul");
                json.WriteNumber("value", Math.Round(rul.Value, 2));
                json.WriteString("unit", rul.Unit.ToString().ToLowerInvariant());
                if (rul.Lower is { } lower)
                {
                    json.WriteNumber("lower", Math.Round(lower, 2));
                }

                if (rul.Upper is { } upper)
                {
                    json.WriteNumber("upper", Math.Round(upper, 2));
                }

                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("rul");
            }

            json.WriteString("model", estimate.Model);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
