using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Dashboard.Mqtt;

public static class MqttServiceExtensions
{
    /// <summary>
    /// Registers the ingest path: options, the embedded broker when enabled, the payload parser, the
    /// bounded channel and the MQTT subscriber.
    /// </summary>
    public static IHostApplicationBuilder AddMqttIngest(this IHostApplicationBuilder builder, IngestTopics? topics = null)
    {
        var services = builder.Services;
        services.AddOptions<MqttOptions>().Bind(builder.Configuration.GetSection(MqttOptions.SectionName)).ValidateOnStart();
        services.AddOptions<IngestOptions>().Bind(builder.Configuration.GetSection(IngestOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>();
        services.AddSingleton<IValidateOptions<IngestOptions>, IngestOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(sp => new TopicNames(sp.GetRequiredService<IOptions<MqttOptions>>().Value.TopicPrefix));
        services.AddSingleton<PayloadParser>();
        services.AddSingleton<IngestStats>();
        services.AddSingleton<IngestChannel>();
        services.AddSingleton<RejectionLogger>();
        if (topics is not null)
        {
            services.AddSingleton(topics);
        }

        // The broker is registered first so it listens before any client of this app tries to connect.
        services.AddSingleton<EmbeddedMqttBroker>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedMqttBroker>());
        services.AddSingleton<MqttPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttPublisher>());
        services.AddSingleton<MqttIngestService>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttIngestService>());
        return builder;
    }
}
