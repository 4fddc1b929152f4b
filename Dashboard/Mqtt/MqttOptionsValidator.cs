using System.Net;
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

        ValidateEmbeddedBroker(options.EmbeddedBroker, errors);
        ValidateTls(options, errors);
        return errors.ToResult();
    }

    private static void ValidateEmbeddedBroker(EmbeddedBrokerOptions broker, OptionsErrors errors)
    {
        var hasUsername = !string.IsNullOrEmpty(broker.Username);
        var hasPassword = !string.IsNullOrEmpty(broker.Password);
        if (hasUsername != hasPassword)
        {
            errors.Add(hasUsername ? "EmbeddedBroker:Password" : "EmbeddedBroker:Username", "is required when the other of Mqtt:EmbeddedBroker:Username and Mqtt:EmbeddedBroker:Password is set.");
        }

        if (!IPAddress.TryParse(broker.BindAddress, out var address))
        {
            errors.Add("EmbeddedBroker:BindAddress", $"must be an IP address such as 127.0.0.1 or 0.0.0.0, but is '{broker.BindAddress}'.");
        }
        else if (broker.Enabled && !IPAddress.IsLoopback(address) && !(hasUsername && hasPassword))
        {
            errors.Add("EmbeddedBroker:Username", $"and Mqtt:EmbeddedBroker:Password are required when Mqtt:EmbeddedBroker:BindAddress is {broker.BindAddress}: other machines can reach the broker there, so it must not accept anonymous clients.");
        }
    }

    private static void ValidateTls(MqttOptions options, OptionsErrors errors)
    {
        var tls = options.Tls;
        if (!tls.Enabled)
        {
            return;
        }

        if (options.EmbeddedBroker.Enabled)
        {
            errors.Add("Tls:Enabled", "applies to an external broker; set Mqtt:EmbeddedBroker:Enabled=false and Mqtt:Host to the broker's name.");
        }

        RequireFile(errors, "Tls:CaFile", tls.CaFile);
        RequireFile(errors, "Tls:ClientCertificateFile", tls.ClientCertificateFile);
        RequireFile(errors, "Tls:ClientKeyFile", tls.ClientKeyFile);
        if (tls.ClientKeyFile is not null && tls.ClientCertificateFile is null)
        {
            errors.Add("Tls:ClientCertificateFile", "is required when Mqtt:Tls:ClientKeyFile is set.");
        }
    }

    private static void RequireFile(OptionsErrors errors, string key, string? path)
    {
        if (path is not null && !File.Exists(path))
        {
            errors.Add(key, $"names a file that does not exist: '{path}'.");
        }
    }
}
