using Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Storage;

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var errors = new OptionsErrors(StorageOptions.SectionName);
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add(nameof(options.DataDirectory), "is required, for example 'data'.");
        }

        errors.RequireRange(nameof(options.BatchSize), options.BatchSize, 1, 1_000_000);
        errors.RequireRange(nameof(options.MaxBacklog), options.MaxBacklog, 1, 100_000_000);
        errors.RequirePositive(nameof(options.FlushInterval), options.FlushInterval);
        errors.RequirePositive(nameof(options.MaxRetryDelay), options.MaxRetryDelay);
        errors.RequirePositive(nameof(options.RawRetention), options.RawRetention);
        errors.RequirePositive(nameof(options.RetentionInterval), options.RetentionInterval);

        if (options.AggregateRetention < options.RawRetention)
        {
            errors.Add(nameof(options.AggregateRetention), $"must be at least Storage:RawRetention ({options.RawRetention}), but is {options.AggregateRetention}.");
        }

        return errors.ToResult();
    }
}
