using Microsoft.Extensions.Options;

namespace Dashboard.Estimation;

public static class EstimationServiceExtensions
{
    /// <summary>
    /// Registers the built-in estimator with its methods when <c>Estimation:Enabled</c> is true. It needs the
    /// telemetry feed and the MQTT publisher of <c>AddLiveTelemetry</c> and <c>AddMqttIngest</c>.
    /// </summary>
    public static IHostApplicationBuilder AddEstimation(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<EstimationOptions>().Bind(builder.Configuration.GetSection(EstimationOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EstimationOptions>, EstimationOptionsValidator>();
        if (!builder.Configuration.GetValue("Estimation:Enabled", true))
        {
            return builder;
        }

        services.AddSingleton<TurbofanEstimator>();
        services.AddSingleton<IAssetEstimator>(sp => sp.GetRequiredService<TurbofanEstimator>());
        services.AddSingleton<IAssetEstimator, GenericEstimator>();
        services.AddSingleton<EstimatorService>();
        services.AddHostedService(sp => sp.GetRequiredService<EstimatorService>());
        return builder;
    }
}
