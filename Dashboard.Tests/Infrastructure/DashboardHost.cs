using System.Globalization;
using Dashboard.Hosting;
using Dashboard.Mqtt;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dashboard.Tests.Infrastructure;

/// <summary>Where the app under test subscribes: an external broker such as a <see cref="MosquittoServer"/>.</summary>
public sealed record BrokerAddress(string Host, int Port);

/// <summary>
/// Settings of a <see cref="DashboardHost"/> or <see cref="DashboardProcess"/>.
/// </summary>
public sealed record DashboardHostOptions
{
    /// <summary>Broker to subscribe to; null starts the embedded broker on a free loopback port.</summary>
    public BrokerAddress? ExternalBroker { get; init; }

    /// <summary>Run the C-MAPSS replay publisher; off by default so tests see only their own messages.</summary>
    public bool Replay { get; init; }

    /// <summary>
    /// Further configuration as key and value, such as <c>["Live:StaleAfter"] = "00:00:05"</c>; applied last,
    /// so it overrides the fixture's own settings.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Folder of the app's SQLite store; null gives every start a new empty folder under the temp path. Pass
    /// the same folder to a second start to test a restart.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>Changes to the builder after the app's own registrations, such as a fake service (in-process only).</summary>
    public Action<WebApplicationBuilder>? Configure { get; init; }

    /// <summary>Returns the command-line arguments that configure the app, shared by both fixtures.</summary>
    internal List<string> BuildArguments(int httpPort, int brokerPort)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["urls"] = $"http://127.0.0.1:{httpPort}",
            ["Replay:Enabled"] = Replay ? "true" : "false",

            // Unique client ids, so apps of parallel tests never take over each other's session on a shared broker.
            ["Mqtt:ClientId"] = $"dashboard-ingest-{Guid.NewGuid():N}",
            ["Replay:ClientId"] = $"dashboard-replay-{Guid.NewGuid():N}",
            // The estimator publishes health messages that the ingest counters would count, and the demo
            // alert rules would raise alerts on test assets; tests that want either turn it on in Settings.
            ["Estimation:Enabled"] = "false",
            ["Alerts:SeedDemoRules"] = "false",
            ["Storage:DataDirectory"] = DataDirectory ?? Path.Combine(Path.GetTempPath(), "dashboard-tests", Guid.NewGuid().ToString("N")),

            // Every request needs credentials: an administrator for the browser and an Admin API key for Http.
            ["Admin:Email"] = TestCredentials.AdminEmail,
            ["Admin:Password"] = TestCredentials.AdminPassword,
            ["Auth:ProvisionedApiKeys:0:Name"] = "test fixture",
            ["Auth:ProvisionedApiKeys:0:Key"] = TestCredentials.ApiKey,
            ["Auth:ProvisionedApiKeys:0:Role"] = "Admin",
            ["Auth:SignInAttemptsPerMinute"] = "10000",
        };

        if (ExternalBroker is { } broker)
        {
            settings["Mqtt:EmbeddedBroker:Enabled"] = "false";
            settings["Mqtt:Host"] = broker.Host;
            settings["Mqtt:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            settings["Mqtt:EmbeddedBroker:Enabled"] = "true";
            settings["Mqtt:EmbeddedBroker:Port"] = brokerPort.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        return settings.Select(setting => $"--{setting.Key}={setting.Value}").ToList();
    }
}

/// <summary>
/// The real app, built by <see cref="DashboardApp.Build"/> and run in the test process on Kestrel at
/// http://127.0.0.1:{free port}, with the embedded broker on another free port or subscribed to an external
/// broker. Replay is off unless requested.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="StartAsync"/> returns once the ingest subscriber is connected and subscribed, so a message
/// published next is not lost. The host offers the base address, the service provider, an
/// <see cref="HttpClient"/>, a connected <see cref="Publisher"/> and the app's log lines.
/// </para>
/// <para>
/// Static web assets (_framework, _content/MudBlazor, wwwroot) are served as in <c>dotnet run</c>: the app
/// runs as application "Dashboard" in the Development environment, with the build output as content root,
/// where the build copies Dashboard's static web asset manifests.
/// </para>
/// </remarks>
public sealed class DashboardHost : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Arguments that any in-process build of the app needs: without the application name, the static web
    /// asset manifests are looked up under the test host's name and <c>MapStaticAssets</c> throws.
    /// </summary>
    public static readonly IReadOnlyList<string> InProcessArguments =
    [
        "--applicationName=Dashboard",
        "--environment=Development",
        $"--contentRoot={AppContext.BaseDirectory}",
    ];

    private readonly WebApplication _app;

    private DashboardHost(WebApplication app, InMemoryLoggerProvider logs, int httpPort, BrokerAddress broker)
    {
        _app = app;
        Logs = logs;
        BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/");
        Broker = broker;
        Http = TestCredentials.CreateAdminClient(BaseAddress);
    }

    public Uri BaseAddress { get; }

    /// <summary>The broker the app subscribes to: the embedded one or the external one it was given.</summary>
    public BrokerAddress Broker { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>A client for the app's HTTP API, with <see cref="BaseAddress"/> set, that sends the Admin API key of <see cref="TestCredentials"/>.</summary>
    public HttpClient Http { get; }

    /// <summary>A publisher connected to <see cref="Broker"/> with the app's topic prefix.</summary>
    public MqttTestClient Publisher { get; private set; } = null!;

    /// <summary>The app's log lines; the app writes nothing to the console.</summary>
    public InMemoryLoggerProvider Logs { get; }

    /// <summary>Builds and starts the app and waits until the ingest subscriber is connected.</summary>
    public static async Task<DashboardHost> StartAsync(DashboardHostOptions? options = null)
    {
        options ??= new DashboardHostOptions();
        var httpPort = LoopbackPort.Allocate();
        var embeddedPort = LoopbackPort.Allocate();
        var arguments = options.BuildArguments(httpPort, embeddedPort);
        arguments.AddRange(InProcessArguments);

        var logs = new InMemoryLoggerProvider();
        var app = DashboardApp.Build(arguments.ToArray(), builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            options.Configure?.Invoke(builder);
        });

        var broker = options.ExternalBroker ?? new BrokerAddress("127.0.0.1", embeddedPort);
        var host = new DashboardHost(app, logs, httpPort, broker);
        try
        {
            await app.StartAsync();
            await host.WaitUntilSubscribedAsync();
            var prefix = app.Services.GetRequiredService<TopicNames>().Prefix;
            host.Publisher = await MqttTestClient.ConnectAsync(broker.Host, broker.Port, prefix);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>Returns a service of the running app.</summary>
    public T Get<T>()
        where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>Waits until the ingest subscriber reports a connection to the broker, after a start or a broker restart.</summary>
    public async Task WaitUntilSubscribedAsync(TimeSpan? timeout = null)
    {
        var stats = Get<IngestStats>();
        var deadline = DateTime.UtcNow + (timeout ?? ConnectTimeout);
        while (stats.ConnectionState != BrokerConnectionState.Connected)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"The app did not connect to the broker at {Broker.Host}:{Broker.Port} within {timeout ?? ConnectTimeout}; " +
                    $"state {stats.ConnectionState}, last error '{stats.LastConnectionError}'. Log:\n{Logs.Text()}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Publisher is not null)
        {
            await Publisher.DisposeAsync();
        }

        Http.Dispose();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            try
            {
                await _app.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // A hosted service did not stop in time; disposing below releases the ports anyway.
            }
        }

        await _app.DisposeAsync();
    }
}
