using Microsoft.Extensions.Options;

namespace Dashboard.Replay;

public static class ReplayServiceExtensions
{
    /// <summary>Registers the C-MAPSS replay publisher; it publishes only when <c>Replay:Enabled</c> is true.</summary>
    public static IHostApplicationBuilder AddReplay(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ReplayOptions>().Bind(builder.Configuration.GetSection(ReplayOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReplayOptions>, ReplayOptionsValidator>();
        services.AddSingleton<ReplayPublisher>();
        if (builder.Configuration.GetValue(ReplayOptions.SectionName + ":" + nameof(ReplayOptions.Enabled), true))
        {
            services.AddHostedService(sp => sp.GetRequiredService<ReplayPublisher>());
        }

        return builder;
    }
}
