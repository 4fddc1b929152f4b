using System.Globalization;
using Bunit;
using Dashboard.Mqtt;

namespace Dashboard.Tests.Components.Wall;

/// <summary>
/// The wall's clock shows plant time from <c>Wall:TimeZone</c>, and stays right across daylight saving changes.
/// </summary>
public sealed class WallClockTests : WallTestContext
{
    public WallClockTests() => Stats.SetConnection(BrokerConnectionState.Connected, "127.0.0.1:1883");

    [Theory]
    [InlineData("Europe/Berlin", "2026-03-29T00:59:59Z", "01:59:59", "UTC+01:00", "03:00:00", "UTC+02:00")]
    [InlineData("Europe/Berlin", "2026-10-25T00:59:59Z", "02:59:59", "UTC+02:00", "02:00:00", "UTC+01:00")]
    [InlineData("America/Chicago", "2026-03-08T07:59:59Z", "01:59:59", "UTC-06:00", "03:00:00", "UTC-05:00")]
    public void Clock_CrossesDaylightSavingChange(string zone, string instant, string before, string offsetBefore, string after, string offsetAfter)
    {
        WallOptions.TimeZone = zone;
        Time.SetUtcNow(DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture));
        var cut = Render<Dashboard.Components.Pages.Wall>();
        Assert.Equal(before, cut.Find("[data-testid=clock-time]").TextContent.Trim());
        Assert.Contains($"{zone} {offsetBefore}", cut.Find("[data-testid=clock-zone]").TextContent, StringComparison.Ordinal);

        Time.Advance(TimeSpan.FromSeconds(1));

        cut.WaitForAssertion(() => Assert.Equal(after, cut.Find("[data-testid=clock-time]").TextContent.Trim()));
        Assert.Contains($"{zone} {offsetAfter}", cut.Find("[data-testid=clock-zone]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Heartbeat_UsesPlantTime()
    {
        WallOptions.TimeZone = "Asia/Kolkata";
        ApplyReading(new AssetKey("north", "pump-1"), T0, ("T30", 1));

        var cut = Render<Dashboard.Components.Pages.Wall>();

        Assert.Equal("Last reading 17:30:00 (0 s ago)", cut.Find("[data-testid=wall-heartbeat]").TextContent.Trim());
        Assert.Equal("17:30:00", cut.Find("[data-testid=wall-view]").GetAttribute("data-updated-text"));
    }
}
