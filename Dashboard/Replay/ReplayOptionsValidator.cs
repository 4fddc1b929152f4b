using Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Replay;

internal sealed class ReplayOptionsValidator : IValidateOptions<ReplayOptions>
{
    public ValidateOptionsResult Validate(string? name, ReplayOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new OptionsErrors(ReplayOptions.SectionName);
        if (options.Interval < TimeSpan.FromMilliseconds(1))
        {
            errors.Add(nameof(options.Interval), $"must be at least 00:00:00.001, but is {options.Interval}.");
        }

        if (string.IsNullOrEmpty(options.Site) || options.Site.IndexOfAny(['/', '+', '#']) >= 0)
        {
            errors.Add(nameof(options.Site), $"must be a non-empty id without '/', '+' or '#', but is '{options.Site}'.");
        }

        errors.RequireRange(nameof(options.Units), options.Units, 0, 100_000);

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            errors.Add(nameof(options.ClientId), "is required.");
        }

        return errors.ToResult();
    }
}
