using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// Settings of a <see cref="MosquittoServer"/>. Anything not set here keeps Mosquitto's default, so tests
/// run against the broker as it ships.
/// </summary>
public sealed record MosquittoOptions
{
    /// <summary>Keep sessions and queued messages in a file across a clean stop (<c>persistence true</c>).</summary>
    public bool Persistence { get; init; }

    /// <summary><c>max_queued_messages</c> per client; null keeps Mosquitto's default of 1000.</summary>
    public int? MaxQueuedMessages { get; init; }

    /// <summary><c>max_inflight_messages</c>; null keeps Mosquitto's default of 20.</summary>
    public int? MaxInflightMessages { get; init; }

    /// <summary>Lines appended to the generated config, such as a second listener with TLS.</summary>
    public string? AdditionalConfig { get; init; }
}

/// <summary>
/// A Mosquitto broker (Debian's /usr/sbin/mosquitto) run as a child process on 127.0.0.1 and a free port,
/// with a generated config and its own temporary folder, for tests against a real external broker.
/// </summary>
/// <remarks>
/// Start it with <see cref="StartAsync(MosquittoOptions?)"/> and dispose it to kill it and delete its
/// folder. <see cref="StopAsync"/> stops it cleanly (SIGTERM, which saves the persistence file),
/// <see cref="KillAsync"/> stops it abruptly (SIGKILL), and <see cref="StartAgainAsync"/> starts it again
/// on the same port and folder. A missing Mosquitto fails the test with an install hint; it never skips.
/// NOTE: a test process that is killed before disposing the fixture leaves the broker running on its
/// loopback port, and its temporary folder behind.
/// </remarks>
public sealed class MosquittoServer : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/sbin/mosquitto";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private readonly StringBuilder _output = new();
    private Process? _process;

    private MosquittoServer(MosquittoOptions options, string directory, int port)
    {
        Options = options;
        Directory = directory;
        Port = port;
    }

    public MosquittoOptions Options { get; }

    /// <summary>Temporary folder with the config, the persistence file and nothing else.</summary>
    public string Directory { get; }

    public string Host => "127.0.0.1";

    public int Port { get; }

    public string ConfigPath => Path.Combine(Directory, "mosquitto.conf");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Everything the broker logged since the fixture was created, for failure messages.</summary>
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

    /// <summary>Writes a config, starts the broker and waits until its port accepts connections.</summary>
    public static async Task<MosquittoServer> StartAsync(MosquittoOptions? options = null)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Mosquitto is not installed: {ExecutablePath} is missing. Install the Debian package 'mosquitto' " +
                "(apt-get install mosquitto); bash .ci/run installs it.");
        }

        var directory = System.IO.Directory.CreateTempSubdirectory("dashboard-mosquitto-").FullName;
        var server = new MosquittoServer(options ?? new MosquittoOptions(), directory, LoopbackPort.Allocate());
        await File.WriteAllTextAsync(server.ConfigPath, server.BuildConfig());
        try
        {
            await server.StartAgainAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Starts the broker again on the same port, config and persistence folder after a stop or kill.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"Mosquitto on port {Port} is already running; stop or kill it first.");
        }

        var info = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(ConfigPath);

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => AppendOutput(e.Data);
        process.ErrorDataReceived += (_, e) => AppendOutput(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process?.Dispose();
        _process = process;

        await LoopbackPort.WaitUntilAcceptingAsync(
            Port,
            StartTimeout,
            () => process.HasExited ? $"mosquitto exited with code {process.ExitCode}. Output:\n{Output}" : null);
    }

    /// <summary>Stops the broker with SIGTERM, so it saves its persistence file, and waits for it to exit.</summary>
    public Task StopAsync() => SignalAndWaitAsync(NativeMethods.SigTerm);

    /// <summary>Kills the broker with SIGKILL: nothing is saved, clients see the connection drop.</summary>
    public Task KillAsync() => SignalAndWaitAsync(NativeMethods.SigKill);

    /// <summary>Stops the broker cleanly and starts it again on the same port.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAgainAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still being written as the broker died; the folder is under the temp path anyway.
        }
    }

    private string BuildConfig()
    {
        var config = new StringBuilder();
        config.AppendLine(CultureInfo.InvariantCulture, $"listener {Port} {Host}");
        config.AppendLine("allow_anonymous true");
        config.AppendLine("log_dest stdout");
        config.AppendLine("log_type error");
        config.AppendLine("log_type warning");
        config.AppendLine("log_type notice");
        config.AppendLine("log_type information");
        config.AppendLine("connection_messages true");
        if (NativeMethods.IsRoot)
        {
            // Started as root, Mosquitto would switch to the 'mosquitto' user, which cannot write to this folder.
            config.AppendLine("user root");
        }

        config.AppendLine(Options.Persistence ? "persistence true" : "persistence false");
        if (Options.Persistence)
        {
            var persistence = Path.Combine(Directory, "data");
            System.IO.Directory.CreateDirectory(persistence);
            config.AppendLine(CultureInfo.InvariantCulture, $"persistence_location {persistence}/");
        }

        if (Options.MaxQueuedMessages is { } queued)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"max_queued_messages {queued}");
        }

        if (Options.MaxInflightMessages is { } inflight)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"max_inflight_messages {inflight}");
        }

        if (Options.AdditionalConfig is { } additional)
        {
            config.AppendLine(additional);
        }

        return config.ToString();
    }

    private async Task SignalAndWaitAsync(int signal)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        NativeMethods.SendSignal(process.Id, signal);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
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
