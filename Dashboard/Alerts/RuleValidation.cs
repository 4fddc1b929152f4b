namespace Dashboard.Alerts;

/// <summary>Checks a rule before it is stored, for the Rules page.</summary>
public static class RuleValidation
{
    /// <summary>Returns what is wrong with the rule, naming the field and value, or null when it is valid.</summary>
    public static string? Validate(AlertRule rule)
    {
        if (string.IsNullOrWhiteSpace(rule.Name))
        {
            return "Name is required.";
        }

        if (string.IsNullOrWhiteSpace(rule.SitePattern) || string.IsNullOrWhiteSpace(rule.AssetPattern) || string.IsNullOrWhiteSpace(rule.MetricPattern))
        {
            return "Site, asset and metric patterns are required; use * to match everything.";
        }

        if (!double.IsFinite(rule.Threshold) || !double.IsFinite(rule.Deadband) || rule.Deadband < 0)
        {
            return $"Threshold must be a number and deadband a number of at least 0, but they are {rule.Threshold} and {rule.Deadband}.";
        }

        if (rule.OnDelay < TimeSpan.Zero || rule.OffDelay < TimeSpan.Zero)
        {
            return $"Delays must not be negative, but are {rule.OnDelay.TotalSeconds} s and {rule.OffDelay.TotalSeconds} s.";
        }

        if (rule.Kind is RuleKind.RateOfChange or RuleKind.Stale && rule.Window <= TimeSpan.Zero)
        {
            return $"A {rule.Kind} rule needs a window of more than 0 s, but it is {rule.Window.TotalSeconds} s.";
        }

        if (string.IsNullOrWhiteSpace(rule.Message))
        {
            return "Message is required.";
        }

        return null;
    }
}
