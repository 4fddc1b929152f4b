using Dashboard.Mqtt;

namespace Dashboard.Tests.Mqtt;

public sealed class MessageTimestampTests
{
    private static readonly DateTimeOffset Start2001 = new(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Start2101 = new(2101, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EpochBounds_AreStartsOf2001And2101()
    {
        Assert.Equal((long)MessageTimestamp.MinEpochSeconds, Start2001.ToUnixTimeSeconds());
        Assert.Equal((long)MessageTimestamp.EndEpochSeconds, Start2101.ToUnixTimeSeconds());
    }

    public static TheoryData<double, string> AcceptedEpochs => new()
    {
        { 978_307_200, "2001-01-01T00:00:00.0000000+00:00" },
        { 1_772_366_340, "2026-03-01T11:59:00.0000000+00:00" },
        { 1_772_366_340.25, "2026-03-01T11:59:00.2500000+00:00" },
        { 4_133_980_799, "2100-12-31T23:59:59.0000000+00:00" },
        { 978_307_200_000, "2001-01-01T00:00:00.0000000+00:00" },
        { 1_772_366_340_123, "2026-03-01T11:59:00.1230000+00:00" },
        { 4_133_980_799_999, "2100-12-31T23:59:59.9990000+00:00" },
    };

    [Theory]
    [MemberData(nameof(AcceptedEpochs))]
    public void TryParseEpoch_ReadsSecondsOrMilliseconds(double value, string expected)
    {
        Assert.True(MessageTimestamp.TryParseEpoch(value, out var timestamp));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), timestamp);
        Assert.Equal(TimeSpan.Zero, timestamp.Offset);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(978_307_199)]
    [InlineData(978_307_199.999)]
    [InlineData(4_133_980_800)]
    [InlineData(978_307_199_999)]
    [InlineData(4_133_980_800_000)]
    [InlineData(1e20)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void TryParseEpoch_RejectsOutsideRanges(double value)
    {
        Assert.False(MessageTimestamp.TryParseEpoch(value, out _));
    }

    [Fact]
    public void TryParseEpoch_KeepsSubMillisecondSeconds()
    {
        Assert.True(MessageTimestamp.TryParseEpoch(1_772_366_340.1234567, out var timestamp));

        // A double near 1.7e9 resolves about 0.24 µs, so the last tick may round.
        var expected = new DateTimeOffset(2026, 3, 1, 11, 59, 0, TimeSpan.Zero).AddTicks(1_234_567);
        Assert.InRange((timestamp - expected).Duration(), TimeSpan.Zero, TimeSpan.FromTicks(5));
    }

    public static TheoryData<string, string> AcceptedIsoTexts => new()
    {
        { "2026-03-01T11:59:00Z", "2026-03-01T11:59:00.0000000Z" },
        { "2026-03-01T12:59:00+01:00", "2026-03-01T11:59:00.0000000Z" },
        { "2026-03-01T06:59:00-05:00", "2026-03-01T11:59:00.0000000Z" },
        { "2026-03-01T12:59:00+0100", "2026-03-01T11:59:00.0000000Z" },
        { "2026-03-01T12:59:00+01", "2026-03-01T11:59:00.0000000Z" },
        { "2026-03-01T11:59Z", "2026-03-01T11:59:00.0000000Z" },
        { "2026-03-01t11:59:00z", "2026-03-01T11:59:00.0000000Z" },
        { "2026-03-01T11:59:00.5Z", "2026-03-01T11:59:00.5000000Z" },
        { "2026-03-01T11:59:00.123Z", "2026-03-01T11:59:00.1230000Z" },
        { "2026-03-01T11:59:00.1234567Z", "2026-03-01T11:59:00.1234567Z" },
        { "2026-03-01T11:59:00.12345678Z", "2026-03-01T11:59:00.1234567Z" },
        { "2026-03-01T11:59:00.123456789Z", "2026-03-01T11:59:00.1234567Z" },
        { "2026-03-01T12:59:00.123456789+01:00", "2026-03-01T11:59:00.1234567Z" },
        { "2001-01-01T00:00:00Z", "2001-01-01T00:00:00.0000000Z" },
        { "2001-01-01T01:00:00+01:00", "2001-01-01T00:00:00.0000000Z" },
        { "2100-12-31T23:59:59.9999999Z", "2100-12-31T23:59:59.9999999Z" },
        { "2028-02-29T12:00:00Z", "2028-02-29T12:00:00.0000000Z" },
        { "2026-03-01T17:29:00+05:30", "2026-03-01T11:59:00.0000000Z" },
        { "2026-03-02T01:59:00+14:00", "2026-03-01T11:59:00.0000000Z" },
        { "2026-03-01T00:00:00-11:59", "2026-03-01T11:59:00.0000000Z" },
    };

    [Theory]
    [MemberData(nameof(AcceptedIsoTexts))]
    public void TryParseIso_ReadsInstantAsUtc(string text, string expectedUtc)
    {
        Assert.True(MessageTimestamp.TryParseIso(text, out var timestamp), $"'{text}' was rejected.");
        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), timestamp);
        Assert.Equal(TimeSpan.Zero, timestamp.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("now")]
    [InlineData("2026-03-01")]
    [InlineData("2026-03-01T11:59:00")]
    [InlineData("2026-03-01 11:59:00Z")]
    [InlineData("2026-03-01T11:59:00.1234567890Z")]
    [InlineData("2026-03-01T11:59:00.Z")]
    [InlineData("2026-03-01T11:59:00+1:00")]
    [InlineData("2026-02-30T11:59:00Z")]
    [InlineData("2026-03-01T25:00:00Z")]
    [InlineData("1772366340")]
    [InlineData(" 2026-03-01T11:59:00Z")]
    [InlineData("2026-03-01T11:59:00Z ")]
    [InlineData("2000-12-31T23:59:59.9999999Z")]
    [InlineData("2001-01-01T00:59:59+01:00")]
    [InlineData("2101-01-01T00:00:00Z")]
    [InlineData("2100-12-31T23:00:00-01:00")]
    [InlineData("1970-01-01T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59Z")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("2027-02-29T12:00:00Z")]
    [InlineData("2026-13-01T12:00:00Z")]
    [InlineData("2026-03-01T24:00:00Z")]
    [InlineData("2026-03-01T11:60:00Z")]
    [InlineData("2026-03-01T11:59:60Z")]
    [InlineData("2026-03-01T11:59:00+15:00")]
    [InlineData("2026-03-01T11:59:00+01:60")]
    [InlineData("2026-03-01T11:59:00+01:0")]
    [InlineData("2026-03-01T11:59:00+01:000")]
    [InlineData("2026-03-01T11:59:00ZZ")]
    [InlineData("2026-03-01T11:59:0Z")]
    [InlineData("2026-03-01T11:59")]
    [InlineData("٢٠٢٦-03-01T11:59:00Z")]
    public void TryParseIso_RejectsOtherTexts(string text)
    {
        Assert.False(MessageTimestamp.TryParseIso(text, out _), $"'{text}' was accepted.");
    }
}
