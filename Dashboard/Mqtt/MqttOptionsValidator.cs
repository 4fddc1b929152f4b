using Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Mqtt;

internal sealed class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        var errors = new OptionsErrors(MqttOptions.SectionName);

        if (!options.EmbeddedBroker.Enabled && string.IsNullOrWhiteSpace(options.Host))
        {
            errors.Add(nameof(options.Host), "is required when Mqtt:EmbeddedBroker:Enabled is false.");
        }

        errors.RequireRange(nameof(options.Port), options.Port, 1, 65535);
        errors.RequireRange("EmbeddedBroker:Port", options.EmbeddedBroker.Port, 1, 65535);
        errors.RequireRange("EmbeddedBroker:MaxPendingMessagesPerClient", options.EmbeddedBroker.MaxPendingMessagesPerClient, 1, int.MaxValue);
        errors.RequireRange(nameof(options.ReceiveMaximum), options.ReceiveMaximum, 1, ushort.MaxValue);
        errors.RequirePositive(nameof(options.MaxReconnectDelay), options.MaxReconnectDelay);

        if (options.SessionExpiry < TimeSpan.Zero || options.SessionExpiry.TotalSeconds > uint.MaxValue)
        {
            errors.Add(nameof(options.SessionExpiry), $"must be between 00:00:00 and {TimeSpan.FromSeconds(uint.MaxValue)}, but is {options.SessionExpiry}.");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            errors.Add(nameof(options.ClientId), "is required: the broker keeps the subscriber's session under this id.");
        }

        if (TopicNames.ValidatePrefix(options.TopicPrefix) is { } prefixProblem)
        {
            errors.Add(nameof(options.TopicPrefix), prefixProblem);
        }

        if (options.SharedSubscriptionGroup is { } group && (group.Length == 0 || group.IndexOfAny(['/', '+', '#']) >= 0))
        {
            errors.Add(nameof(options.SharedSubscriptionGroup), $"must be a non-empty name without '/', '+' or '#', but is '{group}'.");
        }

        if (options.Username is null && options.Password is not null)
        {
            errors.Add(nameof(options.Username), "is required when Mqtt:Password is set.");
        }

        return errors.ToResult();
    }
}
