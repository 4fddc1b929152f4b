using Microsoft.Extensions.Options;

namespace Dashboard.Alerts;

public static class AlertServiceExtensions
{
    /// <summary>
    /// Registers rule evaluation, the alert board, commands, KPIs and MQTT notifications. Alerts need the
    /// store: without <c>Storage:Enabled</c> or with <c>Alerts:Enabled=false</c> nothing is registered
    /// except an empty board, so pages still render.
    /// </summary>
    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AlertOptions>().Bind(builder.Configuration.GetSection(AlertOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>();
        services.AddSingleton<AlertBoard>();

        var enabled = builder.Configuration.GetValue("Alerts:Enabled", true) && builder.Configuration.GetValue("Storage:Enabled", true);
        if (!enabled)
        {
            return builder;
        }

        services.AddSingleton<AlertStore>();
        services.AddSingleton<AlertNotifier>();
        services.AddSingleton<AlertService>();
        services.AddSingleton<AlertKpiService>();
        services.AddSingleton<AlertEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertEngine>());
        return builder;
    }
}
