using Microsoft.Extensions.Options;

namespace Dashboard.Hosting;

/// <summary>
/// Collects every configuration problem of one options class so start-up reports them all at once,
/// each message naming the configuration key to fix.
/// </summary>
internal sealed class OptionsErrors(string section)
{
    private readonly List<string> _errors = [];

    public void Add(string key, string problem) => _errors.Add($"{section}:{key} {problem}");

    public void RequireRange(string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            Add(key, $"must be between {min} and {max}, but is {value}.");
        }
    }

    public void RequirePositive(string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            Add(key, $"must be a positive duration such as 00:00:05, but is {value}.");
        }
    }

    public ValidateOptionsResult ToResult() =>
        _errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_errors);
}
