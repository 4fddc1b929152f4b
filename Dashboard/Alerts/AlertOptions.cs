using Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Alerts;

/// <summary>Settings of the <c>Alerts</c> configuration section.</summary>
public sealed class AlertOptions
{
    public const string SectionName = "Alerts";

    public bool Enabled { get; set; } = true;

    /// <summary>Whether an empty rule table is filled with the rules for the replayed turbofans on start.</summary>
    public bool SeedDemoRules { get; set; } = true;

    /// <summary>Whether acknowledging needs a note.</summary>
    public bool RequireAcknowledgeNote { get; set; } = true;

    /// <summary>Longest time an alert can be shelved; it returns by itself when the time is up.</summary>
    public TimeSpan MaxShelveDuration { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often staleness and shelve expiry are checked.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);
}

internal sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var errors = new OptionsErrors(AlertOptions.SectionName);
        errors.RequirePositive(nameof(options.MaxShelveDuration), options.MaxShelveDuration);
        errors.RequirePositive(nameof(options.TickInterval), options.TickInterval);
        return errors.ToResult();
    }
}
