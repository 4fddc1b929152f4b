using System.Buffers;
using System.Text;
using Dashboard.Mqtt;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Mqtt;

[UseCulture("de-DE")]
public sealed class PayloadParserTests
{
    private const string TelemetryTopic = "plant/site-1/pump-1/telemetry";
    private const string HealthTopic = "plant/site-1/pump-1/health";
    private const string Ts = "\"ts\": \"2026-03-01T11:59:00Z\"";

    private static readonly DateTimeOffset ReceivedAt = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MessageTime = new(2026, 3, 1, 11, 59, 0, TimeSpan.Zero);
    private static readonly AssetKey Pump = new("site-1", "pump-1");

    // ---- accepted telemetry

    [Fact]
    public void Telemetry_Valid_IsAccepted()
    {
        var result = Parse($$"""{ {{Ts}}, "values": { "T30": 1589.7, "P30": 554.36, "Nc": 9046 } }""");

        Assert.True(result.IsAccepted, result.Detail);
        Assert.Null(result.Health);
        var reading = Assert.IsType<TelemetryReading>(result.Reading);
        Assert.Equal(Pump, reading.Asset);
        Assert.Equal(MessageTime, reading.Timestamp);
        Assert.Equal([new("T30", 1589.7), new("P30", 554.36), new("Nc", 9046)], reading.Values);
        Assert.Equal(0, result.DroppedValues);
    }

    public static TheoryData<string, string> AcceptedTimestamps => new()
    {
        { "\"2026-03-01T11:59:00Z\"", "2026-03-01T11:59:00.0000000Z" },
        { "\"2026-03-01T12:59:00+01:00\"", "2026-03-01T11:59:00.0000000Z" },
        { "\"2026-03-01T11:59:00.123456789Z\"", "2026-03-01T11:59:00.1234567Z" },
        { "1772366340", "2026-03-01T11:59:00.0000000Z" },
        { "1772366340.5", "2026-03-01T11:59:00.5000000Z" },
        { "1772366340123", "2026-03-01T11:59:00.1230000Z" },
        { "1.772366340123E12", "2026-03-01T11:59:00.1230000Z" },
        { "978307200", "2001-01-01T00:00:00.0000000Z" },
        { "978307200000", "2001-01-01T00:00:00.0000000Z" },
    };

    [Theory]
    [MemberData(nameof(AcceptedTimestamps))]
    public void Telemetry_TimestampForms_AreAccepted(string tsJson, string expectedUtc)
    {
        var result = Parse($$"""{"ts": {{tsJson}}, "values": {"a": 1} }""");

        Assert.True(result.IsAccepted, result.Detail);
        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), result.Reading!.Timestamp);
    }

    [Fact]
    public void Telemetry_TimestampAtSkewLimit_IsAccepted()
    {
        var atLimit = ReceivedAt + new IngestOptions().MaxFutureSkew;

        var result = Parse($$"""{"ts": "{{atLimit:O}}", "values": {"a": 1} }""");

        Assert.True(result.IsAccepted, result.Detail);
    }

    [Fact]
    public void Telemetry_NullValue_IsKeptAsGap()
    {
        var result = Parse($$"""{ {{Ts}}, "values": { "a": null, "b": 2 } }""");

        Assert.True(result.IsAccepted, result.Detail);
        Assert.Equal([new("a", null), new("b", 2)], result.Reading!.Values);
        Assert.Equal(0, result.DroppedValues);
    }

    [Fact]
    public void Telemetry_InvalidValues_AreDroppedAndCounted()
    {
        var result = Parse($$"""
            { {{Ts}}, "values": {
                "ok": 1.5, "text": "12", "flag": true, "off": false, "list": [1, 2], "nested": { "x": 1 },
                "nan": "NaN", "huge": 1e400, "gap": null, "": 3 } }
            """);

        Assert.True(result.IsAccepted, result.Detail);
        Assert.Equal([new("ok", 1.5), new("gap", null)], result.Reading!.Values);
        Assert.Equal(8, result.DroppedValues);
    }

    [Fact]
    public void Telemetry_BareNaNLiterals_AreDropped()
    {
        // What Python's json.dumps writes for float("nan") and float("inf").
        var result = Parse($$"""{"ts": 1772366340.0, "values": {"a": NaN, "b": Infinity, "c": -Infinity, "d": 1.5, "NaN": 2} }""");

        Assert.True(result.IsAccepted, result.Detail);
        Assert.Equal([new("d", 1.5), new("NaN", 2)], result.Reading!.Values);
        Assert.Equal(3, result.DroppedValues);
    }

    [Fact]
    public void Telemetry_NaNInsideString_IsKept()
    {
        var result = Parse($$"""{ {{Ts}}, "values": {"a": NaN, "b": 1}, "note": "say \"NaN\" and Infinity"}""");

        Assert.True(result.IsAccepted, result.Detail);
        Assert.Equal([new("b", 1)], result.Reading!.Values);
    }

    [Fact]
    public void Telemetry_DuplicateMetric_KeepsLast()
    {
        var result = Parse($$"""{ {{Ts}}, "values": {"a": 1, "b": 2, "a": 3} }""");

        Assert.True(result.IsAccepted, result.Detail);
        Assert.Equal([new("a", 3), new("b", 2)], result.Reading!.Values);
        Assert.Equal(1, result.DroppedValues);
    }

    [Fact]
    public void Telemetry_UnknownFields_AreIgnored()
    {
        var result = Parse($$"""
            { "seq": 7, "unit": "SI", "meta": {"deep": [1, {"x": [null, true]}]}, {{Ts}}, /* a comment */ "values": {"a": 1}, "tail": null }
            """);

        Assert.True(result.IsAccepted, result.Detail);
        Assert.Equal([new("a", 1)], result.Reading!.Values);
    }

    [Fact]
    public void Telemetry_Utf8ByteOrderMark_IsAccepted()
    {
        var bytes = Encoding.UTF8.Preamble.ToArray().Concat(Encoding.UTF8.GetBytes($$"""{ {{Ts}}, "values": {"a": 1} }""")).ToArray();

        var result = Parse(TelemetryTopic, bytes);

        Assert.True(result.IsAccepted, result.Detail);
    }

    [Fact]
    public void Telemetry_MetricNameLength_IsLimited()
    {
        var longest = new string('m', PayloadParser.MaxNameLength);
        var tooLong = longest + "m";

        var result = Parse($$"""{ {{Ts}}, "values": {"{{longest}}": 1, "{{tooLong}}": 2} }""");

        Assert.True(result.IsAccepted, result.Detail);
        Assert.Equal([new(longest, 1)], result.Reading!.Values);
        Assert.Equal(1, result.DroppedValues);
    }

    [Fact]
    public void Telemetry_SplitPayloadSegments_AreParsed()
    {
        var bytes = Encoding.UTF8.GetBytes($$"""{ {{Ts}}, "values": {"a": 1} }""");
        var first = new Segment(bytes.AsMemory(0, 10));
        var last = first.Append(bytes.AsMemory(10));

        var result = CreateParser().Parse(TelemetryTopic, new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), ReceivedAt);

        Assert.True(result.IsAccepted, result.Detail);
    }

    // ---- topics and ids

    [Theory]
    [InlineData("plant/site 1/pump 7/telemetry", "site 1", "pump 7")]
    [InlineData("plant/Zürich-Süd/Pumpe-Ä-日本/telemetry", "Zürich-Süd", "Pumpe-Ä-日本")]
    [InlineData("plant/<b>site<b>/<img src=x onerror=alert(1)>/telemetry", "<b>site<b>", "<img src=x onerror=alert(1)>")]
    [InlineData("plant/100%/what?/telemetry", "100%", "what?")]
    [InlineData("plant/a&b=c/\"quoted\"/telemetry", "a&b=c", "\"quoted\"")]
    public void Telemetry_UnusualIds_AreKeptVerbatim(string topic, string site, string asset)
    {
        var result = Parse($$"""{ {{Ts}}, "values": {"a": 1} }""", topic);

        Assert.True(result.IsAccepted, result.Detail);
        Assert.Equal(new AssetKey(site, asset), result.Reading!.Asset);
    }

    [Theory]
    [InlineData("plant//pump-1/telemetry")]
    [InlineData("plant/site-1//telemetry")]
    [InlineData("plant///telemetry")]
    [InlineData("plant/site-1/pump-1")]
    [InlineData("plant/site-1/pump-1/telemetry/extra")]
    [InlineData("plant/site-1/pump-1/status")]
    [InlineData("plant/site-1/pump-1/alerts")]
    [InlineData("plant/site-1/pump-1/Telemetry")]
    [InlineData("other/site-1/pump-1/telemetry")]
    [InlineData("plants/site-1/pump-1/telemetry")]
    [InlineData("site-1/pump-1/telemetry")]
    [InlineData("")]
    public void InvalidTopic_IsRejected(string topic)
    {
        var result = Parse($$"""{ {{Ts}}, "values": {"a": 1} }""", topic);

        AssertRejected(result, RejectReason.InvalidTopic);
    }

    // ---- rejected telemetry

    [Theory]
    [InlineData("{\"values\": {\"a\": 1}}")]
    [InlineData("{\"ts\": null, \"values\": {\"a\": 1}}")]
    public void MissingTimestamp_IsRejected(string json)
    {
        AssertRejected(Parse(json), RejectReason.MissingTimestamp);
    }

    [Theory]
    [InlineData("\"2026-03-01T11:59:00\"")]
    [InlineData("\"yesterday\"")]
    [InlineData("\"\"")]
    [InlineData("0")]
    [InlineData("-1772366340")]
    [InlineData("978307199")]
    [InlineData("4133980800")]
    [InlineData("978307199999")]
    [InlineData("4133980800000")]
    [InlineData("true")]
    [InlineData("[1772366340]")]
    [InlineData("{\"s\": 1772366340}")]
    [InlineData("\"0001-01-01T00:00:00Z\"")]
    [InlineData("\"1970-01-01T00:00:00Z\"")]
    [InlineData("NaN")]
    public void InvalidTimestamp_IsRejected(string tsJson)
    {
        var result = Parse($$"""{"ts": {{tsJson}}, "values": {"a": 1} }""");

        AssertRejected(result, RejectReason.InvalidTimestamp);
        Assert.Contains("'ts'", result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"2026-03-01T12:05:01Z\"")]
    [InlineData("\"2099-01-01T00:00:00Z\"")]
    [InlineData("4133980799")]
    [InlineData("1772367000000")]
    public void FutureTimestamp_BeyondSkew_IsRejected(string tsJson)
    {
        var result = Parse($$"""{"ts": {{tsJson}}, "values": {"a": 1} }""");

        AssertRejected(result, RejectReason.FutureTimestamp);
        Assert.Contains("Ingest:MaxFutureSkew", result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("{\"ts\": ")]
    [InlineData("not json")]
    [InlineData("{ts: 1772366340, values: {a: 1}}")]
    [InlineData("{\"ts\": 1772366340, \"values\": {\"a\": 1,}}")]
    [InlineData("{\"ts\": 1772366340, \"values\": {\"a\": 1}} trailing")]
    [InlineData("{\"ts\": 1772366340, \"values\": {\"a\": 1}}{}")]
    [InlineData("{\"ts\": 1772366340, \"values\": {\"a\": 01}}")]
    public void InvalidJson_IsRejected(string json)
    {
        AssertRejected(Parse(json), RejectReason.InvalidJson);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"ts\": 1772366340, \"values\": {\"a\": 1}}]")]
    [InlineData("42")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    [InlineData("true")]
    public void NonObjectJson_IsInvalidJson(string json)
    {
        var result = Parse(json);

        AssertRejected(result, RejectReason.InvalidJson);
        Assert.Contains("object", result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "ts": "2026-03-01T11:59:00Z", "values": { "a\ud800": 1 } }""", "plant/site-1/pump-1/telemetry")]
    [InlineData("""{ "ts": "2026-03-01\ud800T11:59:00Z", "values": { "a": 1 } }""", "plant/site-1/pump-1/telemetry")]
    [InlineData("""{ "ts": "2026-03-01T11:59:00Z", "health": 50, "model": "m\udc00" }""", "plant/site-1/pump-1/health")]
    public void LoneSurrogateEscape_IsInvalidJson(string json, string topic)
    {
        var result = Parse(json, topic);

        AssertRejected(result, RejectReason.InvalidJson);
        Assert.Contains("surrogate", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepNesting_IsInvalidJson()
    {
        var nested = string.Concat(Enumerable.Repeat("[", 20)) + string.Concat(Enumerable.Repeat("]", 20));

        AssertRejected(Parse($$"""{ {{Ts}}, "values": {"a": 1}, "x": {{nested}} }"""), RejectReason.InvalidJson);
    }

    [Fact]
    public void NotUtf8_IsRejected()
    {
        var bytes = Encoding.UTF8.GetBytes($$"""{ {{Ts}}, "values": {"a": 1}, "x": "?" }""");
        bytes[bytes.Length - 4] = 0xFF;

        AssertRejected(Parse(TelemetryTopic, bytes), RejectReason.NotUtf8);
    }

    [Fact]
    public void Latin1Payload_IsRejectedAsNotUtf8()
    {
        var bytes = Encoding.Latin1.GetBytes($$"""{ {{Ts}}, "values": {"Drehzahl Rührwerk": 1} }""");

        AssertRejected(Parse(TelemetryTopic, bytes), RejectReason.NotUtf8);
    }

    [Fact]
    public void PayloadSize_IsLimitedByMaxPayloadBytes()
    {
        var options = new IngestOptions { MaxPayloadBytes = 64 };
        var atLimit = PadTo($$"""{"ts": 1772366340, "values": {"a": 1}, "p": ""}""", 64);
        var overLimit = PadTo($$"""{"ts": 1772366340, "values": {"a": 1}, "p": ""}""", 65);

        var accepted = Parse(TelemetryTopic, atLimit, options);
        var rejected = Parse(TelemetryTopic, overLimit, options);

        Assert.True(accepted.IsAccepted, accepted.Detail);
        AssertRejected(rejected, RejectReason.TooLarge);
        Assert.Contains("65 bytes", rejected.Detail, StringComparison.Ordinal);
        Assert.Contains("Ingest:MaxPayloadBytes", rejected.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"ts\": 1772366340}", "missing")]
    [InlineData("{\"ts\": 1772366340, \"values\": null}", "no finite number")]
    [InlineData("{\"ts\": 1772366340, \"values\": {}}", "no finite number")]
    [InlineData("{\"ts\": 1772366340, \"values\": [1, 2]}", "no finite number")]
    [InlineData("{\"ts\": 1772366340, \"values\": 5}", "no finite number")]
    [InlineData("{\"ts\": 1772366340, \"values\": {\"a\": \"x\", \"b\": true}}", "2 invalid values dropped")]
    [InlineData("{\"ts\": 1772366340, \"values\": {\"a\": NaN, \"b\": Infinity}}", "2 invalid values dropped")]
    public void NoValidValues_IsRejected(string json, string detail)
    {
        var result = Parse(json);

        AssertRejected(result, RejectReason.NoValidValues);
        Assert.Contains(detail, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TimestampProblem_TakesPrecedenceOverValues()
    {
        AssertRejected(Parse("""{"values": {}}"""), RejectReason.MissingTimestamp);
    }

    // ---- health

    [Fact]
    public void Health_Valid_IsAccepted()
    {
        var result = Parse(
            $$"""{ {{Ts}}, "health": 72.5, "rul": {"value": 120, "unit": "cycles", "lower": 90, "upper": 150}, "model": "cmapss-gbm", "extra": 1 }""",
            HealthTopic);

        Assert.True(result.IsAccepted, result.Detail);
        Assert.Null(result.Reading);
        var health = Assert.IsType<HealthEstimate>(result.Health);
        Assert.Equal(new HealthEstimate(Pump, MessageTime, 72.5, new RulEstimate(120, RulUnit.Cycles, 90, 150), "cmapss-gbm"), health);
    }

    [Theory]
    [InlineData("\"health\": null, \"rul\": null", null, null)]
    [InlineData("\"health\": 0, \"rul\": {\"value\": 0, \"unit\": \"hours\"}", 0.0, 0.0)]
    [InlineData("\"health\": 100, \"rul\": {\"value\": 3.5, \"unit\": \"days\", \"lower\": 3.5, \"upper\": 3.5}", 100.0, 3.5)]
    [InlineData("\"health\": 50", 50.0, null)]
    public void Health_EdgeValues_AreAccepted(string fields, double? health, double? rul)
    {
        var result = Parse($$"""{ {{Ts}}, {{fields}}, "model": "m" }""", HealthTopic);

        Assert.True(result.IsAccepted, result.Detail);
        Assert.Equal(health, result.Health!.Health);
        Assert.Equal(rul, result.Health.Rul?.Value);
    }

    [Theory]
    [InlineData("\"rul\": null, \"model\": \"m\"", "'health' is missing")]
    [InlineData("\"health\": 100.5, \"model\": \"m\"", "'health' must be")]
    [InlineData("\"health\": -1, \"model\": \"m\"", "'health' must be")]
    [InlineData("\"health\": \"80\", \"model\": \"m\"", "'health' must be")]
    [InlineData("\"health\": {\"v\": 80}, \"model\": \"m\"", "'health' must be")]
    [InlineData("\"health\": NaN, \"model\": \"m\"", "'health' must be")]
    [InlineData("\"health\": 80", "'model' is missing")]
    [InlineData("\"health\": 80, \"model\": \"\"", "'model' must be")]
    [InlineData("\"health\": 80, \"model\": 7", "'model' must be")]
    [InlineData("\"health\": 80, \"model\": [\"m\"]", "'model' must be")]
    [InlineData("\"health\": 80, \"model\": \"m\", \"rul\": 120", "'rul' must be")]
    [InlineData("\"health\": 80, \"model\": \"m\", \"rul\": {\"unit\": \"cycles\"}", "'rul.value' is missing")]
    [InlineData("\"health\": 80, \"model\": \"m\", \"rul\": {\"value\": 120}", "'rul.unit' is missing")]
    [InlineData("\"health\": 80, \"model\": \"m\", \"rul\": {\"value\": -1, \"unit\": \"cycles\"}", "'rul.value' must be")]
    [InlineData("\"health\": 80, \"model\": \"m\", \"rul\": {\"value\": 120, \"unit\": \"weeks\"}", "'rul.unit' must be")]
    [InlineData("\"health\": 80, \"model\": \"m\", \"rul\": {\"value\": 120, \"unit\": \"Cycles\"}", "'rul.unit' must be")]
    [InlineData("\"health\": 80, \"model\": \"m\", \"rul\": {\"value\": 120, \"unit\": 3}", "'rul.unit' must be")]
    [InlineData("\"health\": 80, \"model\": \"m\", \"rul\": {\"value\": 120, \"unit\": {\"name\": \"cycles\"}}", "'rul.unit' must be")]
    [InlineData("\"health\": 80, \"model\": \"m\", \"rul\": {\"value\": 120, \"unit\": [\"cycles\"], \"lower\": 1}", "'rul.unit' must be")]
    [InlineData("\"health\": 80, \"model\": \"m\", \"rul\": {\"value\": 120, \"unit\": \"cycles\", \"lower\": 130}", "does not contain")]
    [InlineData("\"health\": 80, \"model\": \"m\", \"rul\": {\"value\": 120, \"unit\": \"cycles\", \"upper\": 100}", "does not contain")]
    [InlineData("\"health\": 80, \"model\": \"m\", \"rul\": {\"value\": 120, \"unit\": \"cycles\", \"lower\": \"90\"}", "'rul.lower' must be")]
    public void Health_Invalid_IsRejected(string fields, string detail)
    {
        var result = Parse($$"""{ {{Ts}}, {{fields}} }""", HealthTopic);

        AssertRejected(result, RejectReason.InvalidHealth);
        Assert.Contains(detail, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Health_MissingTimestamp_IsRejected()
    {
        AssertRejected(Parse("""{"health": 80, "model": "m"}""", HealthTopic), RejectReason.MissingTimestamp);
    }

    [Fact]
    public void Health_WrittenByPayloadWriter_RoundTrips()
    {
        var estimate = new HealthEstimate(Pump, MessageTime, 33.33, new RulEstimate(42, RulUnit.Hours, 30, 55.5), "model ü");

        var result = Parse(HealthTopic, PayloadWriter.Health(estimate));

        Assert.Equal(estimate, result.Health);
    }

    [Fact]
    public void Telemetry_WrittenByPayloadWriter_RoundTrips()
    {
        MetricValue[] values = [new("a", 1.25), new("gap", null), new("Zürich <b>", -3e-7)];

        var result = Parse(TelemetryTopic, PayloadWriter.Telemetry(MessageTime, values));

        Assert.Equal(new TelemetryReading(Pump, MessageTime, values).Values, result.Reading!.Values);
        Assert.Equal(MessageTime, result.Reading.Timestamp);
    }

    // ---- metric names reused across messages

    [Fact]
    public void MetricNames_AreReusedAcrossMessages()
    {
        var parser = CreateParser();

        var first = parser.Parse(TelemetryTopic, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes($$"""{ {{Ts}}, "values": { "T30": 1 } }""")), ReceivedAt);
        var second = parser.Parse(TelemetryTopic, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes($$"""{ {{Ts}}, "values": { "T30": 2 } }""")), ReceivedAt);

        Assert.Equal("T30", second.Reading!.Values[0].Metric);
        Assert.Same(first.Reading!.Values[0].Metric, second.Reading.Values[0].Metric);
    }

    [Fact]
    public void MetricNames_BeyondCache_AreStillParsed()
    {
        var parser = CreateParser(new IngestOptions { MaxPayloadBytes = 1_000_000 });
        var json = new StringBuilder($$"""{ {{Ts}}, "values": {""");
        for (var i = 0; i < 10_050; i++)
        {
            json.Append(System.Globalization.CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")}\"m{i}\": {i}");
        }

        json.Append("} }");
        var payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json.ToString()));

        var result = parser.Parse(TelemetryTopic, payload, ReceivedAt);
        var again = parser.Parse(TelemetryTopic, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes($$"""{ {{Ts}}, "values": { "m10049": 1, "m10049": 2 } }""")), ReceivedAt);

        Assert.True(result.IsAccepted, result.Detail);
        Assert.Equal(10_050, result.Reading!.Values.Count);
        Assert.Equal("m10049", result.Reading.Values[^1].Metric);
        Assert.Equal(10_049, result.Reading.Values[^1].Value);
        // Names past the cache are new strings each time, so duplicates must still be found by value.
        Assert.Equal([new MetricValue("m10049", 2)], again.Reading!.Values);
        Assert.Equal(1, again.DroppedValues);
    }

    [Fact]
    public void MetricName_Over256Bytes_IsParsed()
    {
        var name = new string('é', 150);

        var result = Parse($$"""{ {{Ts}}, "values": { "{{name}}": 1 } }""");

        Assert.True(result.IsAccepted, result.Detail);
        Assert.Equal(name, result.Reading!.Values[0].Metric);
    }

    // ---- helpers

    private static PayloadParser CreateParser(IngestOptions? options = null) =>
        new(new TopicNames("plant"), Options.Create(options ?? new IngestOptions()));

    private static ParseResult Parse(string json, string topic = TelemetryTopic) =>
        Parse(topic, Encoding.UTF8.GetBytes(json));

    private static ParseResult Parse(string topic, byte[] payload, IngestOptions? options = null) =>
        CreateParser(options).Parse(topic, new ReadOnlySequence<byte>(payload), ReceivedAt);

    private static void AssertRejected(ParseResult result, RejectReason reason)
    {
        Assert.False(result.IsAccepted, $"Accepted, but expected a rejection as {reason}.");
        Assert.Equal(reason, result.Rejection);
        Assert.False(string.IsNullOrWhiteSpace(result.Detail), "A rejection must say what was wrong.");
        Assert.Null(result.Reading);
        Assert.Null(result.Health);
    }

    /// <summary>Fills the empty string of <c>"p": ""</c> until the payload is <paramref name="length"/> bytes long.</summary>
    private static byte[] PadTo(string json, int length)
    {
        var padding = new string('x', length - Encoding.UTF8.GetByteCount(json));
        return Encoding.UTF8.GetBytes(json.Replace("\"p\": \"\"", $"\"p\": \"{padding}\"", StringComparison.Ordinal));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
