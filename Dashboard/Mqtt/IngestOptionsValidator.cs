using Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Mqtt;

internal sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        var errors = new OptionsErrors(IngestOptions.SectionName);
        errors.RequireRange(nameof(options.MaxPayloadBytes), options.MaxPayloadBytes, 64, 256 * 1024 * 1024);
        errors.RequireRange(nameof(options.ChannelCapacity), options.ChannelCapacity, 1, 10_000_000);
        errors.RequireRange(nameof(options.RejectedMessagesKept), options.RejectedMessagesKept, 0, 100_000);
        errors.RequirePositive(nameof(options.RejectionLogInterval), options.RejectionLogInterval);

        if (options.MaxFutureSkew < TimeSpan.Zero)
        {
            errors.Add(nameof(options.MaxFutureSkew), $"must not be negative, but is {options.MaxFutureSkew}.");
        }

        return errors.ToResult();
    }
}
