using Dashboard.Mqtt;
using Dashboard.Replay;
using Dashboard.Telemetry;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Hosting;

/// <summary>
/// Each validator must reject every invalid field with a message that names the configuration key, and
/// accept the defaults.
/// </summary>
[UseCulture("en-US")]
public sealed class OptionsValidatorTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        Assert.True(new MqttOptionsValidator().Validate(null, new MqttOptions()).Succeeded);
        Assert.True(new IngestOptionsValidator().Validate(null, new IngestOptions()).Succeeded);
        Assert.True(new LiveOptionsValidator().Validate(null, new LiveOptions()).Succeeded);
        Assert.True(new ReplayOptionsValidator().Validate(null, new ReplayOptions()).Succeeded);
    }

    public static TheoryData<string, Action<MqttOptions>> InvalidMqtt => new()
    {
        { "Mqtt:Host", o => { o.EmbeddedBroker.Enabled = false; o.Host = " "; } },
        { "Mqtt:Port", o => o.Port = 0 },
        { "Mqtt:Port", o => o.Port = 65536 },
        { "Mqtt:EmbeddedBroker:Port", o => o.EmbeddedBroker.Port = -1 },
        { "Mqtt:EmbeddedBroker:MaxPendingMessagesPerClient", o => o.EmbeddedBroker.MaxPendingMessagesPerClient = 0 },
        { "Mqtt:ReceiveMaximum", o => o.ReceiveMaximum = 0 },
        { "Mqtt:ReceiveMaximum", o => o.ReceiveMaximum = 65536 },
        { "Mqtt:MaxReconnectDelay", o => o.MaxReconnectDelay = TimeSpan.Zero },
        { "Mqtt:SessionExpiry", o => o.SessionExpiry = TimeSpan.FromSeconds(-1) },
        { "Mqtt:SessionExpiry", o => o.SessionExpiry = TimeSpan.FromSeconds(uint.MaxValue + 1.0) },
        { "Mqtt:ClientId", o => o.ClientId = "" },
        { "Mqtt:TopicPrefix", o => o.TopicPrefix = "plant/#" },
        { "Mqtt:TopicPrefix", o => o.TopicPrefix = "" },
        { "Mqtt:SharedSubscriptionGroup", o => o.SharedSubscriptionGroup = "a/b" },
        { "Mqtt:SharedSubscriptionGroup", o => o.SharedSubscriptionGroup = "" },
        { "Mqtt:Username", o => o.Password = "secret" },
    };

    [Theory]
    [MemberData(nameof(InvalidMqtt))]
    public void MqttValidator_InvalidField_NamesKey(string key, Action<MqttOptions> change)
    {
        var options = new MqttOptions();
        change(options);

        AssertFailsNaming(new MqttOptionsValidator().Validate(null, options), key);
    }

    [Fact]
    public void MqttValidator_EmbeddedWithoutHost_IsValid()
    {
        Assert.True(new MqttOptionsValidator().Validate(null, new MqttOptions { Host = "" }).Succeeded);
    }

    [Fact]
    public void MqttValidator_SeveralProblems_AreAllReported()
    {
        var options = new MqttOptions { Port = 0, ClientId = "", ReceiveMaximum = 0 };

        var result = new MqttOptionsValidator().Validate(null, options);

        Assert.Equal(3, result.Failures!.Count());
    }

    [Fact]
    public void MqttValidator_PasswordIsNeverInMessage()
    {
        var result = new MqttOptionsValidator().Validate(null, new MqttOptions { Password = "hunter2" });

        Assert.DoesNotContain("hunter2", result.FailureMessage, StringComparison.Ordinal);
    }

    public static TheoryData<string, Action<IngestOptions>> InvalidIngest => new()
    {
        { "Ingest:MaxPayloadBytes", o => o.MaxPayloadBytes = 63 },
        { "Ingest:MaxPayloadBytes", o => o.MaxPayloadBytes = 256 * 1024 * 1024 + 1 },
        { "Ingest:ChannelCapacity", o => o.ChannelCapacity = 0 },
        { "Ingest:RejectedMessagesKept", o => o.RejectedMessagesKept = -1 },
        { "Ingest:RejectionLogInterval", o => o.RejectionLogInterval = TimeSpan.Zero },
        { "Ingest:MaxFutureSkew", o => o.MaxFutureSkew = TimeSpan.FromSeconds(-1) },
    };

    [Theory]
    [MemberData(nameof(InvalidIngest))]
    public void IngestValidator_InvalidField_NamesKey(string key, Action<IngestOptions> change)
    {
        var options = new IngestOptions();
        change(options);

        AssertFailsNaming(new IngestOptionsValidator().Validate(null, options), key);
    }

    public static TheoryData<string, Action<LiveOptions>> InvalidLive => new()
    {
        { "Live:WindowPoints", o => o.WindowPoints = 1 },
        { "Live:StaleAfter", o => o.StaleAfter = TimeSpan.Zero },
        { "Live:MaxRendersPerSecond", o => o.MaxRendersPerSecond = 0 },
        { "Live:MaxRendersPerSecond", o => o.MaxRendersPerSecond = 61 },
        { "Live:MaxRendersPerSecond", o => o.MaxRendersPerSecond = double.NaN },
    };

    [Theory]
    [MemberData(nameof(InvalidLive))]
    public void LiveValidator_InvalidField_NamesKey(string key, Action<LiveOptions> change)
    {
        var options = new LiveOptions();
        change(options);

        AssertFailsNaming(new LiveOptionsValidator().Validate(null, options), key);
    }

    public static TheoryData<string, Action<ReplayOptions>> InvalidReplay => new()
    {
        { "Replay:Interval", o => o.Interval = TimeSpan.Zero },
        { "Replay:Site", o => o.Site = "" },
        { "Replay:Site", o => o.Site = "a/b" },
        { "Replay:Site", o => o.Site = "a+" },
        { "Replay:Units", o => o.Units = -1 },
        { "Replay:ClientId", o => o.ClientId = " " },
    };

    [Theory]
    [MemberData(nameof(InvalidReplay))]
    public void ReplayValidator_InvalidField_NamesKey(string key, Action<ReplayOptions> change)
    {
        var options = new ReplayOptions();
        change(options);

        AssertFailsNaming(new ReplayOptionsValidator().Validate(null, options), key);
    }

    [Fact]
    public void ReplayValidator_Disabled_SkipsChecks()
    {
        var options = new ReplayOptions { Enabled = false, Interval = TimeSpan.Zero, Site = "" };

        Assert.True(new ReplayOptionsValidator().Validate(null, options).Succeeded);
    }

    private static void AssertFailsNaming(ValidateOptionsResult result, string key)
    {
        Assert.True(result.Failed, $"Expected a failure naming {key}.");
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith(key + " ", failure, StringComparison.Ordinal);
    }
}
