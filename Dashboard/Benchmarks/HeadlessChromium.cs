using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Benchmarks;

/// <summary>
/// A headless Chromium started for a benchmark, which opens pages through its DevTools HTTP endpoint
/// (<c>PUT /json/new?URL</c>), so no browser driver is needed. It resolves no host other than localhost and
/// 127.0.0.1, and its background tabs are not throttled, so every page renders as a visible kiosk would.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _userDataDirectory;
    private readonly HttpClient _devTools;
    private bool _disposed;

    private HeadlessChromium(Process process, string userDataDirectory, int port)
    {
        _process = process;
        _userDataDirectory = userDataDirectory;
        _devTools = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Starts Chromium from <paramref name="executable"/> and waits until its DevTools endpoint listens.</summary>
    public static async Task<HeadlessChromium> StartAsync(string executable, CancellationToken cancellationToken)
    {
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {executable}. Install the Debian package 'chromium' or pass --chromium PATH.");
        }

        var userDataDirectory = Directory.CreateTempSubdirectory("dashboard-bench-chromium-").FullName;
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-background-timer-throttling",
            "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            $"--user-data-dir={userDataDirectory}",
            "about:blank",
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Chromium could not be started from {executable}.");

        // Chromium writes a lot to stderr; reading it keeps the pipe from filling up and blocking the browser.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var port = await ReadDevToolsPortAsync(process, userDataDirectory, cancellationToken);
        return new HeadlessChromium(process, userDataDirectory, port);
    }

    /// <summary>Opens <paramref name="url"/> in a new tab.</summary>
    public async Task OpenAsync(Uri url, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "json/new?" + url);
        using var response = await _devTools.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _devTools.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_userDataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an exiting child process; the folder is under the temp path anyway.
        }
    }

    /// <summary>Reads the port that Chromium chose, from the DevToolsActivePort file it writes in its profile.</summary>
    private static async Task<int> ReadDevToolsPortAsync(Process process, string userDataDirectory, CancellationToken cancellationToken)
    {
        var file = Path.Combine(userDataDirectory, "DevToolsActivePort");
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Chromium exited with code {process.ExitCode} during start-up.");
            }

            if (File.Exists(file))
            {
                var lines = await File.ReadAllLinesAsync(file, cancellationToken);
                if (lines.Length > 0 && int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                {
                    return port;
                }
            }

            await Task.Delay(100, cancellationToken);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"Chromium did not open its DevTools port within {StartTimeout}.");
    }
}
