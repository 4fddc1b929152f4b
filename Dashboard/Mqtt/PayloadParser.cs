using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Extensions.Options;

namespace Dashboard.Mqtt;

/// <summary>
/// Validates MQTT payloads against the contract in docs/mqtt.md and turns them into readings and health estimates.
/// </summary>
/// <remarks>
/// Parsing is pure and allocation-light because it runs on the MQTT receive path: it performs no I/O and
/// never throws for bad input, so one publisher's malformed message cannot stop ingest.
/// </remarks>
public sealed class PayloadParser(TopicNames topics, IOptions<IngestOptions> options)
{
    /// <summary>Longest site, asset, metric or model name accepted.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Metric names kept for reuse; the names of further metrics are allocated for every message.</summary>
    private const int MaxCachedNames = 10_000;

    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 };

    private readonly IngestOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private int _cachedNames;

    public TopicNames Topics => topics;

    public ParseResult Parse(string topic, ReadOnlySequence<byte> payload, DateTimeOffset receivedAt)
    {
        if (!topics.TryParse(topic, out var asset, out var kind) || kind == TopicKind.Alerts
            || !IsValidName(asset.Site) || !IsValidName(asset.Asset))
        {
            return ParseResult.Rejected(
                RejectReason.InvalidTopic,
                $"topic '{topic}' is not {topics.Prefix}/{{site}}/{{asset}}/telemetry or …/health with site and asset of 1 to {MaxNameLength} characters and no control characters.");
        }

        if (payload.Length > _options.MaxPayloadBytes)
        {
            return ParseResult.Rejected(RejectReason.TooLarge, $"payload is {payload.Length} bytes; the limit (Ingest:MaxPayloadBytes) is {_options.MaxPayloadBytes}.");
        }

        var bytes = payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray();
        if (!Utf8.IsValid(bytes))
        {
            return ParseResult.Rejected(RejectReason.NotUtf8, "payload is not valid UTF-8.");
        }

        if (bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            bytes = bytes[Encoding.UTF8.Preamble.Length..];
        }

        var result = ParseJson(bytes, asset, kind, receivedAt);
        if (result.Rejection == RejectReason.InvalidJson && NonFiniteLiterals.TryQuote(bytes, out var quoted))
        {
            // Some JSON writers (Python's json module among them) emit bare NaN and Infinity; quoted, they
            // become invalid single values that are dropped and counted, and the rest of the message is kept.
            // The retry decides unless the message is invalid for another reason too, so a message whose
            // values are all non-finite is counted as having no valid values, not as invalid JSON.
            var retry = ParseJson(quoted, asset, kind, receivedAt);
            if (retry.Rejection != RejectReason.InvalidJson)
            {
                return retry;
            }
        }

        return result;
    }

    private ParseResult ParseJson(ReadOnlySpan<byte> json, AssetKey asset, TopicKind kind, DateTimeOffset receivedAt)
    {
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            return kind == TopicKind.Telemetry
                ? ParseTelemetry(ref reader, asset, receivedAt)
                : ParseHealth(ref reader, asset, receivedAt);
        }
        catch (JsonException e)
        {
            return ParseResult.Rejected(RejectReason.InvalidJson, $"invalid JSON at byte {e.BytePositionInLine}: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader validates string escapes only when a string is read: an escaped lone surrogate
            // such as "\ud800" throws here instead of failing the parse.
            return ParseResult.Rejected(RejectReason.InvalidJson, $"invalid JSON string: {e.Message}");
        }
    }

    private ParseResult ParseTelemetry(ref Utf8JsonReader reader, AssetKey asset, DateTimeOffset receivedAt)
    {
        ExpectObject(ref reader);
        TimestampField timestamp = default;
        List<MetricValue>? values = null;
        var dropped = 0;
        var sawValues = false;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("ts"u8))
            {
                reader.Read();
                timestamp = ReadTimestamp(ref reader);
            }
            else if (reader.ValueTextEquals("values"u8))
            {
                reader.Read();
                sawValues = true;
                values = ReadValues(ref reader, ref dropped);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        EnsureComplete(ref reader);

        if (CheckTimestamp(timestamp, receivedAt) is { } rejection)
        {
            return rejection;
        }

        if (values is null || values.Count == 0)
        {
            var detail = sawValues
                ? $"'values' holds no finite number or null ({dropped} invalid values dropped)."
                : "'values' is missing; expected an object of metric names to numbers or null.";
            return ParseResult.Rejected(RejectReason.NoValidValues, detail);
        }

        return ParseResult.Accepted(new TelemetryReading(asset, timestamp.Value, values), dropped);
    }

    private ParseResult ParseHealth(ref Utf8JsonReader reader, AssetKey asset, DateTimeOffset receivedAt)
    {
        ExpectObject(ref reader);
        TimestampField timestamp = default;
        double? health = null;
        var sawHealth = false;
        RulEstimate? rul = null;
        string? model = null;
        string? problem = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("ts"u8))
            {
                reader.Read();
                timestamp = ReadTimestamp(ref reader);
            }
            else if (reader.ValueTextEquals("health"u8))
            {
                reader.Read();
                sawHealth = true;
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value) && value is >= 0 and <= 100)
                {
                    health = value;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    problem ??= $"'health' must be a number from 0 to 100 or null, but is {TokenText(ref reader)}.";
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("rul"u8))
            {
                reader.Read();
                rul = ReadRul(ref reader, ref problem);
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } name && IsValidName(name))
                {
                    model = name;
                }
                else
                {
                    problem ??= $"'model' must be a string of 1 to {MaxNameLength} characters without control characters, but is {TokenText(ref reader)}.";
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        EnsureComplete(ref reader);

        if (CheckTimestamp(timestamp, receivedAt) is { } rejection)
        {
            return rejection;
        }

        problem ??= !sawHealth ? "'health' is missing; expected a number from 0 to 100 or null."
            : model is null ? "'model' is missing; expected the name of the model that made the estimate."
            : null;

        return problem is null
            ? ParseResult.Accepted(new HealthEstimate(asset, timestamp.Value, health, rul, model!))
            : ParseResult.Rejected(RejectReason.InvalidHealth, problem);
    }

    private static RulEstimate? ReadRul(ref Utf8JsonReader reader, ref string? problem)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            problem ??= $"'rul' must be an object or null, but is {TokenText(ref reader)}.";
            reader.Skip();
            return null;
        }

        double? value = null, lower = null, upper = null;
        RulUnit? unit = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "value":
                    value = ReadNonNegative(ref reader, "rul.value", ref problem);
                    break;
                case "lower":
                    lower = ReadNonNegative(ref reader, "rul.lower", ref problem);
                    break;
                case "upper":
                    upper = ReadNonNegative(ref reader, "rul.upper", ref problem);
                    break;
                case "unit":
                    unit = reader.TokenType == JsonTokenType.String ? ParseUnit(reader.GetString()) : null;
                    if (unit is null)
                    {
                        problem ??= $"'rul.unit' must be \"cycles\", \"hours\" or \"days\", but is {TokenText(ref reader)}.";

                        // An object or array unit must be skipped whole, or its contents would be read as fields of 'rul'.
                        reader.Skip();
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (value is null)
        {
            problem ??= "'rul.value' is missing; expected a number of remaining cycles, hours or days.";
            return null;
        }

        if (unit is null)
        {
            problem ??= "'rul.unit' is missing; expected \"cycles\", \"hours\" or \"days\".";
            return null;
        }

        if ((lower is { } l && l > value) || (upper is { } u && u < value))
        {
            problem ??= $"'rul' interval [{lower}, {upper}] does not contain its value {value}.";
            return null;
        }

        return new RulEstimate(value.Value, unit.Value, lower, upper);
    }

    private static double? ReadNonNegative(ref Utf8JsonReader reader, string field, ref string? problem)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value) && double.IsFinite(value) && value >= 0)
        {
            return value;
        }

        if (reader.TokenType != JsonTokenType.Null)
        {
            problem ??= $"'{field}' must be a finite number of at least 0, but is {TokenText(ref reader)}.";
            reader.Skip();
        }

        return null;
    }

    /// <summary>
    /// Returns whether a site, asset, metric or model name can be stored and shown: 1 to
    /// <see cref="MaxNameLength"/> characters and no control characters (PostgreSQL text cannot hold NUL).
    /// </summary>
    public static bool IsValidName(string name)
    {
        if (name.Length is 0 or > MaxNameLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    private static RulUnit? ParseUnit(string? text) => text switch
    {
        "cycles" => RulUnit.Cycles,
        "hours" => RulUnit.Hours,
        "days" => RulUnit.Days,
        _ => null,
    };

    private List<MetricValue>? ReadValues(ref Utf8JsonReader reader, ref int dropped)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        var values = new List<MetricValue>(32);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var metric = ReadName(ref reader);
            reader.Read();

            double? value;
            if (reader.TokenType == JsonTokenType.Null)
            {
                value = null;
            }
            else if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var number) && double.IsFinite(number))
            {
                value = number;
            }
            else
            {
                reader.Skip();
                dropped++;
                continue;
            }

            if (!IsValidName(metric))
            {
                dropped++;
                continue;
            }

            var existing = IndexOf(values, metric);
            if (existing >= 0)
            {
                // A repeated name keeps its last value, as JSON readers that build objects do.
                values[existing] = new MetricValue(metric, value);
                dropped++;
                continue;
            }

            values.Add(new MetricValue(metric, value));
        }

        return values;
    }

    /// <summary>
    /// Returns the property name at the reader, reusing the string of an earlier message with the same valid
    /// name, so that the metric names of every message are not allocated again.
    /// </summary>
    private string ReadName(ref Utf8JsonReader reader)
    {
        // A name of at most 256 UTF-8 bytes has at most 256 characters once unescaped.
        const int maxCachedBytes = 256;
        if (reader.HasValueSequence || reader.ValueSpan.Length > maxCachedBytes)
        {
            return reader.GetString()!;
        }

        Span<char> buffer = stackalloc char[maxCachedBytes];
        var chars = buffer[..reader.CopyString(buffer)];
        if (_names.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars, out var cached))
        {
            return cached;
        }

        var name = chars.ToString();
        if (IsValidName(name) && Volatile.Read(ref _cachedNames) < MaxCachedNames && _names.TryAdd(name, name))
        {
            Interlocked.Increment(ref _cachedNames);
        }

        return name;
    }

    private static int IndexOf(List<MetricValue> values, string metric)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (string.Equals(values[i].Metric, metric, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static TimestampField ReadTimestamp(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetDouble(out var number):
                return MessageTimestamp.TryParseEpoch(number, out var fromEpoch)
                    ? new TimestampField(fromEpoch, null)
                    : new TimestampField(default, $"'ts' {number.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not Unix time in seconds or milliseconds between 2001 and 2100.");
            case JsonTokenType.String:
                var text = reader.GetString()!;
                return MessageTimestamp.TryParseIso(text, out var fromText)
                    ? new TimestampField(fromText, null)
                    : new TimestampField(default, $"'ts' \"{Truncate(text, 64)}\" is not an ISO-8601 instant with an offset or Z between 2001 and 2100, such as 2026-03-01T12:00:00Z.");
            case JsonTokenType.Null:
                return default;
            default:
                var shown = TokenText(ref reader);
                reader.Skip();
                return new TimestampField(default, $"'ts' must be an ISO-8601 string or a Unix time number, but is {shown}.");
        }
    }

    private ParseResult? CheckTimestamp(TimestampField timestamp, DateTimeOffset receivedAt)
    {
        if (timestamp.Problem is { } problem)
        {
            return ParseResult.Rejected(RejectReason.InvalidTimestamp, problem);
        }

        if (timestamp.Value == default)
        {
            return ParseResult.Rejected(RejectReason.MissingTimestamp, "'ts' is missing or null.");
        }

        if (timestamp.Value > receivedAt + _options.MaxFutureSkew)
        {
            return ParseResult.Rejected(
                RejectReason.FutureTimestamp,
                $"'ts' {timestamp.Value:O} is {(timestamp.Value - receivedAt).TotalSeconds:F0} s ahead of the receive time; the limit (Ingest:MaxFutureSkew) is {_options.MaxFutureSkew}.");
        }

        return null;
    }

    private static void ExpectObject(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("the payload must be a JSON object.");
        }
    }

    private static void EnsureComplete(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0)
        {
            throw new JsonException("the JSON object is not complete.");
        }

        if (reader.Read())
        {
            throw new JsonException("unexpected data after the JSON object.");
        }
    }

    private static string TokenText(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"\"{Truncate(reader.GetString()!, 64)}\"",
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => reader.TokenType.ToString(),
    };

    private static string Truncate(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length), "…");

    private readonly record struct TimestampField(DateTimeOffset Value, string? Problem);
}
