using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Dashboard.Wall;

public static class WallServiceExtensions
{
    /// <summary>
    /// Registers the wall display: its options (validated at start-up), the plant clock, the shared
    /// sparkline cache and the counters of open displays.
    /// </summary>
    public static IHostApplicationBuilder AddWallDisplay(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WallOptions>().Bind(builder.Configuration.GetSection(WallOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WallOptions>, WallOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PlantClock>();
        services.AddSingleton<SparklineService>();
        services.AddSingleton<WallStats>();
        return builder;
    }
}
