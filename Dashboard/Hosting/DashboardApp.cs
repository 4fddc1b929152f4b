using System.Text.Json.Serialization;
using Dashboard.Alerts;
using Dashboard.Api;
using Dashboard.Components;
using Dashboard.Components.Shared;
using Dashboard.Estimation;
using Dashboard.Mqtt;
using Dashboard.Replay;
using Dashboard.Security;
using Dashboard.Storage;
using Dashboard.Telemetry;
using Dashboard.Wall;
using Microsoft.AspNetCore.Components.Server.Circuits;
using MudBlazor.Services;

namespace Dashboard.Hosting;

/// <summary>
/// Composes the web app from its features. Tests build the same app through <see cref="Build"/>.
/// </summary>
public static class DashboardApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);

        // Serves MudBlazor's files and the framework script from the build output in every environment, so
        // `dotnet run` needs no launch profile; a published app has no manifest and is not affected.
        builder.WebHost.UseStaticWebAssets();
        builder.AddLiveTelemetry();
        builder.AddStorage();
        builder.AddMqttIngest();
        builder.AddReplay();
        builder.AddAlerts();
        builder.AddEstimation();
        builder.AddSecurity();
        builder.AddWallDisplay();
        builder.AddDashboardUi();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseDashboardUi();
        app.MapAssetEndpoints().RequireAuthorization(Policies.View);
        app.MapHistoryEndpoints().RequireAuthorization(Policies.View);
        app.MapAlertEndpoints();
        app.MapPlannerEndpoints().RequireAuthorization(Policies.Plan);
        app.MapSecurityEndpoints();
        return app;
    }

    private static void AddDashboardUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddScoped<CircuitEvents>();
        builder.Services.AddScoped<CurrentUser>();
        builder.Services.AddScoped<UserPermissions>();
        builder.Services.AddScoped<CircuitHandler>(sp => sp.GetRequiredService<CircuitEvents>());
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddProblemDetails();
    }

    private static void UseDashboardUi(this WebApplication app)
    {
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseSecurity();
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        app.MapOpenApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }
}
