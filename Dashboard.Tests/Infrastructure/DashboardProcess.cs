using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// The app as a separate OS process (<c>dotnet Dashboard.dll --urls … --Key=value</c>), for tests that kill
/// it mid-stream with SIGKILL and start it again on the same ports, as a crash and a restart would.
/// </summary>
/// <remarks>
/// It takes the same <see cref="DashboardHostOptions"/> as <see cref="DashboardHost"/>, except
/// <see cref="DashboardHostOptions.Configure"/>, which cannot cross the process boundary. The process runs in
/// the Development environment from the test output folder, where the build puts Dashboard.dll and its
/// static web asset manifests. Readiness is the API reporting a connected broker.
/// NOTE: a test process that is killed before disposing the fixture leaves the app running.
/// </remarks>
public sealed class DashboardProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<string> _arguments;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private DashboardProcess(List<string> arguments, int httpPort, BrokerAddress broker)
    {
        _arguments = arguments;
        BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/");
        Broker = broker;
        Http = TestCredentials.CreateAdminClient(BaseAddress);
    }

    public Uri BaseAddress { get; }

    /// <summary>The broker the app subscribes to; the embedded broker lives and dies with the process.</summary>
    public BrokerAddress Broker { get; }

    public HttpClient Http { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Process id of the current run, or null before the first start.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>Console output of every run so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the app and waits until its API reports a connection to the broker.</summary>
    public static async Task<DashboardProcess> StartAsync(DashboardHostOptions? options = null)
    {
        options ??= new DashboardHostOptions();
        if (options.Configure is not null)
        {
            throw new ArgumentException("DashboardHostOptions.Configure works only in-process; pass settings instead.", nameof(options));
        }

        var httpPort = LoopbackPort.Allocate();
        var embeddedPort = LoopbackPort.Allocate();
        var broker = options.ExternalBroker ?? new BrokerAddress("127.0.0.1", embeddedPort);
        var app = new DashboardProcess(options.BuildArguments(httpPort, embeddedPort), httpPort, broker);
        try
        {
            await app.StartAgainAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    /// <summary>Starts the app again with the same arguments and ports, after <see cref="KillAsync"/> or <see cref="StopAsync"/>.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"The app (process {ProcessId}) is still running; kill or stop it first.");
        }

        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(TestPaths.DashboardAssembly);
        foreach (var argument in _arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment.Remove("DOTNET_URLS");

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => AppendOutput(e.Data);
        process.ErrorDataReceived += (_, e) => AppendOutput(e.Data);
        AppendOutput($"--- starting {string.Join(' ', info.ArgumentList)}");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process?.Dispose();
        _process = process;

        await WaitUntilReadyAsync(process);
    }

    /// <summary>Kills the app with SIGKILL, as a crash or power loss would, and waits for it to exit.</summary>
    public Task KillAsync() => SignalAndWaitAsync(NativeMethods.SigKill);

    /// <summary>Stops the app with SIGTERM, so it shuts down gracefully, and waits for it to exit.</summary>
    public Task StopAsync() => SignalAndWaitAsync(NativeMethods.SigTerm);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Http.Dispose();
    }

    /// <summary>Returns the dotnet host that runs the tests, so the app runs on the same runtime.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private async Task WaitUntilReadyAsync(Process process)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        string? lastState = null;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with code {process.ExitCode} during start-up. Output:\n{Output}");
            }

            try
            {
                using var stats = await Http.GetFromJsonAsync<JsonDocument>("api/ingest/stats");
                lastState = stats?.RootElement.GetProperty("connection").GetProperty("state").GetString();
                if (lastState == "Connected")
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Kestrel is not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The app was not ready within {StartTimeout} (broker state '{lastState}'). Output:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    private async Task SignalAndWaitAsync(int signal)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        NativeMethods.SendSignal(process.Id, signal);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private void AppendOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
