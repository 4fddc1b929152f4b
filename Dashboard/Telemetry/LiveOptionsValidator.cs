using Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Telemetry;

internal sealed class LiveOptionsValidator : IValidateOptions<LiveOptions>
{
    public ValidateOptionsResult Validate(string? name, LiveOptions options)
    {
        var errors = new OptionsErrors(LiveOptions.SectionName);
        errors.RequireRange(nameof(options.WindowPoints), options.WindowPoints, 2, 1_000_000);
        errors.RequirePositive(nameof(options.StaleAfter), options.StaleAfter);

        if (!(options.MaxRendersPerSecond is > 0 and <= 60))
        {
            errors.Add(nameof(options.MaxRendersPerSecond), $"must be more than 0 and at most 60, but is {options.MaxRendersPerSecond}.");
        }

        return errors.ToResult();
    }
}
