using Dashboard.Hosting;
using Dashboard.Tests.Infrastructure;
using Dashboard.Wall;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Wall;

/// <summary>
/// The wall's settings are checked at start-up: every invalid value names its key, and an unknown time zone
/// stops the app before it serves anything.
/// </summary>
[UseCulture("en-US")]
public sealed class WallOptionsTests
{
    [Fact]
    public void Defaults_AreValid() =>
        Assert.True(new WallOptionsValidator().Validate(null, new WallOptions()).Succeeded);

    public static TheoryData<string, Action<WallOptions>> Invalid => new()
    {
        { "Wall:RotationInterval", o => o.RotationInterval = TimeSpan.Zero },
        { "Wall:TilesPerPage", o => o.TilesPerPage = 0 },
        { "Wall:TilesPerPage", o => o.TilesPerPage = 101 },
        { "Wall:MetricsPerTile", o => o.MetricsPerTile = -1 },
        { "Wall:TimeZone", o => o.TimeZone = "Europe/Berln" },
        { "Wall:TimeZone", o => o.TimeZone = " " },
        { "Wall:NoDataAfter", o => o.NoDataAfter = TimeSpan.Zero },
        { "Wall:SparklineWindow", o => o.SparklineWindow = TimeSpan.FromSeconds(-1) },
        { "Wall:SparklinePoints", o => o.SparklinePoints = 1 },
        { "Wall:SparklineRefreshInterval", o => o.SparklineRefreshInterval = TimeSpan.Zero },
        { "Wall:ReconnectMaxInterval", o => o.ReconnectMaxInterval = TimeSpan.Zero },
        { "Wall:WatchdogTimeout", o => o.WatchdogTimeout = TimeSpan.Zero },
        { "Wall:Sound:RepeatInterval", o => o.Sound.RepeatInterval = TimeSpan.Zero },
        { "Wall:Sound:File", o => { o.Sound.Enabled = true; o.Sound.File = "../secrets.wav"; } },
        { "Wall:Sound:File", o => { o.Sound.Enabled = true; o.Sound.File = "https://example.invalid/a.wav"; } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidField_NamesKey(string key, Action<WallOptions> change)
    {
        var options = new WallOptions();
        change(options);

        var result = new WallOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Europe/Berlin")]
    [InlineData("America/Chicago")]
    [InlineData("Asia/Kolkata")]
    [InlineData("UTC")]
    public void IanaTimeZone_IsValid(string id) =>
        Assert.True(new WallOptionsValidator().Validate(null, new WallOptions { TimeZone = id }).Succeeded);

    [Fact]
    public async Task UnknownTimeZone_StopsStartup()
    {
        await using var app = BuildApp("--Wall:TimeZone=Mars/Olympus_Mons");

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Wall:TimeZone", error.Message, StringComparison.Ordinal);
        Assert.Contains("Mars/Olympus_Mons", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingSoundFile_StopsStartup()
    {
        await using var app = BuildApp("--Wall:Sound:Enabled=true", "--Wall:Sound:File=sounds/missing.wav");

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Wall:Sound:File", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShippedSoundFile_IsFound()
    {
        await using var app = BuildApp("--Wall:Sound:Enabled=true");

        var options = app.Services.GetRequiredService<IOptions<WallOptions>>();

        Assert.True(options.Value.Sound.Enabled);
        Assert.True(new WallOptionsValidator(app.Environment).Validate(null, options.Value).Succeeded);
    }

    private static Microsoft.AspNetCore.Builder.WebApplication BuildApp(params string[] settings)
    {
        string[] arguments =
        [
            $"--urls=http://127.0.0.1:{LoopbackPort.Allocate()}",
            $"--Mqtt:EmbeddedBroker:Port={LoopbackPort.Allocate()}",
            "--Replay:Enabled=false",
            "--Storage:Enabled=false",
            .. settings,
            .. DashboardHost.InProcessArguments,
        ];
        return DashboardApp.Build(arguments, builder => builder.Logging.ClearProviders());
    }
}
