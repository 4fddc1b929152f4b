using Dashboard.Hosting;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Dashboard.Tests.Hosting;

/// <summary>
/// An invalid setting must stop the app at start-up with a message that names the key, before it serves
/// anything or connects to a broker.
/// </summary>
[UseCulture("en-US")]
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Mqtt:Port", "0")]
    [InlineData("Mqtt:TopicPrefix", "plant/+")]
    [InlineData("Mqtt:ReceiveMaximum", "70000")]
    [InlineData("Ingest:ChannelCapacity", "0")]
    [InlineData("Ingest:MaxFutureSkew", "-00:00:01")]
    [InlineData("Live:MaxRendersPerSecond", "0")]
    [InlineData("Live:StaleAfter", "00:00:00")]
    [InlineData("Replay:Interval", "00:00:00")]
    public async Task InvalidSetting_StopsStartup(string key, string value)
    {
        await using var app = BuildApp(key, value);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mqtt:Port", "abc")]
    [InlineData("Live:StaleAfter", "soon")]
    public async Task UnparsableSetting_StopsStartup(string key, string value)
    {
        await using var app = BuildApp(key, value);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    private static Microsoft.AspNetCore.Builder.WebApplication BuildApp(string key, string value)
    {
        string[] arguments =
        [
            $"--urls=http://127.0.0.1:{LoopbackPort.Allocate()}",
            $"--Mqtt:EmbeddedBroker:Port={LoopbackPort.Allocate()}",
            $"--Replay:Enabled={(key.StartsWith("Replay:", StringComparison.Ordinal) ? "true" : "false")}",
            $"--{key}={value}",
            .. DashboardHost.InProcessArguments,
        ];
        return DashboardApp.Build(arguments, builder => builder.Logging.ClearProviders());
    }
}
