using Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Wall;

/// <summary>
/// Validates the <c>Wall</c> section. The time zone must be an id that this machine's time zone database
/// knows, and an enabled sound file must exist below wwwroot.
/// </summary>
internal sealed class WallOptionsValidator(IWebHostEnvironment? environment = null) : IValidateOptions<WallOptions>
{
    public ValidateOptionsResult Validate(string? name, WallOptions options)
    {
        var errors = new OptionsErrors(WallOptions.SectionName);
        errors.RequirePositive(nameof(options.RotationInterval), options.RotationInterval);
        errors.RequireRange(nameof(options.TilesPerPage), options.TilesPerPage, 1, 100);
        errors.RequireRange(nameof(options.MetricsPerTile), options.MetricsPerTile, 0, 12);
        errors.RequirePositive(nameof(options.NoDataAfter), options.NoDataAfter);
        errors.RequirePositive(nameof(options.SparklineWindow), options.SparklineWindow);
        errors.RequireRange(nameof(options.SparklinePoints), options.SparklinePoints, 2, 2000);
        errors.RequirePositive(nameof(options.SparklineRefreshInterval), options.SparklineRefreshInterval);
        errors.RequirePositive(nameof(options.ReconnectMaxInterval), options.ReconnectMaxInterval);
        errors.RequirePositive(nameof(options.WatchdogTimeout), options.WatchdogTimeout);
        ValidateTimeZone(errors, options.TimeZone);
        ValidateSound(errors, options.Sound);
        return errors.ToResult();
    }

    private static void ValidateTimeZone(OptionsErrors errors, string id)
    {
        if (string.IsNullOrWhiteSpace(id) || !TimeZoneInfo.TryFindSystemTimeZoneById(id, out _))
        {
            errors.Add(
                nameof(WallOptions.TimeZone),
                $"'{id}' is not a time zone id known to this machine; set an IANA id such as Europe/Berlin, America/Chicago or UTC.");
        }
    }

    private void ValidateSound(OptionsErrors errors, WallSoundOptions sound)
    {
        const string prefix = nameof(WallOptions.Sound) + ":";
        errors.RequirePositive(prefix + nameof(sound.RepeatInterval), sound.RepeatInterval);
        if (!sound.Enabled)
        {
            return;
        }

        var file = sound.File.TrimStart('/');
        if (string.IsNullOrWhiteSpace(file) || file.Contains("..", StringComparison.Ordinal) || Uri.TryCreate(file, UriKind.Absolute, out _))
        {
            errors.Add(prefix + nameof(sound.File), $"must be a path below wwwroot such as sounds/wall-alert.wav, but is '{sound.File}'.");
            return;
        }

        if (environment is not null && !environment.WebRootFileProvider.GetFileInfo(file).Exists)
        {
            errors.Add(prefix + nameof(sound.File), $"'{sound.File}' was not found below wwwroot; add the file to wwwroot before building, or set Wall:Sound:Enabled=false.");
        }
    }
}
