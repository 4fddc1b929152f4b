using Dashboard.Mqtt;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Dashboard.Telemetry;

public static class TelemetryServiceExtensions
{
    /// <summary>
    /// Registers the live state and the consumer that feeds it from the ingest channel. Without a storage
    /// sink registered before, messages are acknowledged as soon as the live state has them.
    /// </summary>
    public static IHostApplicationBuilder AddLiveTelemetry(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LiveOptions>().Bind(builder.Configuration.GetSection(LiveOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LiveOptions>, LiveOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<EstimateOptions>().Bind(builder.Configuration.GetSection(EstimateOptions.SectionName));
        services.AddSingleton<LiveState>();
        services.AddSingleton<TelemetryFeed>();
        services.AddSingleton<EstimateSelector>();
        services.AddSingleton<MaintenancePlan>();
        services.AddSingleton<RulAccuracy>();
        services.TryAddSingleton<IIngestSink, AcknowledgeOnlySink>();
        services.AddHostedService<IngestConsumer>();
        return builder;
    }
}
