using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using Dashboard.Hosting;
using Dashboard.Mqtt;
using Dashboard.Security.Displays;
using Dashboard.Telemetry;
using Dashboard.Wall;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Dashboard.Benchmarks;

/// <summary>
/// The <c>bench wall</c> command: measures the server memory that each open wall display costs and the
/// render rate of each display under load. It runs the app in this process with its embedded broker, opens
/// the displays as tabs of a headless Chromium, and publishes telemetry itself.
/// </summary>
/// <remarks>
/// Memory is the managed heap after a forced full garbage collection, and the process working set. Both are
/// measured once with no display open and once with all displays open, under the same background load of
/// one reading per asset per second. The render rate is counted by <see cref="WallStats"/> on the server while
/// the load runs at <c>--rate</c> messages per second.
/// </remarks>
public static class WallBenchmark
{
    private const string Usage =
        "Usage: bench wall [--displays N] [--assets N] [--rate MESSAGES_PER_SECOND] [--seconds N] [--chromium PATH] [--Key=value ...]\n" +
        "  --displays  wall displays to open as headless Chromium tabs (default 100)\n" +
        "  --assets    assets that publish telemetry (default 100)\n" +
        "  --rate      messages per second during the render-rate phase (default 1000)\n" +
        "  --seconds   length of the render-rate phase in seconds (default 30)\n" +
        "  --chromium  Chromium executable (default /usr/bin/chromium)\n" +
        "  Other --Key=value arguments configure the app, such as --Live:MaxRendersPerSecond=4.";

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs the benchmark and prints its results; returns 0 on success and 2 on invalid arguments.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        BenchmarkSettings settings;
        try
        {
            settings = BenchmarkSettings.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        var dataDirectory = Directory.CreateTempSubdirectory("dashboard-bench-wall-").FullName;
        try
        {
            await RunAsync(settings, dataDirectory, cancellation.Token);
            return 0;
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task RunAsync(BenchmarkSettings settings, string dataDirectory, CancellationToken cancellationToken)
    {
        var httpPort = FreePort();
        var brokerPort = FreePort();
        string[] arguments =
        [
            $"--urls=http://127.0.0.1:{httpPort}",
            "--Mqtt:Host=127.0.0.1",
            $"--Mqtt:Port={brokerPort}",
            "--Mqtt:EmbeddedBroker:Enabled=true",
            $"--Mqtt:EmbeddedBroker:Port={brokerPort}",
            "--Mqtt:EmbeddedBroker:MaxPendingMessagesPerClient=1000000",
            $"--Mqtt:ClientId=dashboard-bench-{Guid.NewGuid():N}",
            "--Replay:Enabled=false",
            "--Estimation:Enabled=false",
            "--Alerts:SeedDemoRules=false",
            $"--Storage:DataDirectory={dataDirectory}",
            "--Wall:RotationInterval=01:00:00",
            "--Logging:LogLevel:Default=Warning",
            .. settings.Configuration,
        ];

        await using var app = DashboardApp.Build(arguments);
        await app.StartAsync(cancellationToken);
        var baseAddress = new Uri($"http://127.0.0.1:{httpPort}/");
        await WaitUntilAsync(() => app.Services.GetRequiredService<IngestStats>().ConnectionState == BrokerConnectionState.Connected, TimeSpan.FromSeconds(30), "the app to connect to its broker", cancellationToken);
        await EnsureStaticAssetsAsync(baseAddress, cancellationToken);

        var live = app.Services.GetRequiredService<LiveState>();
        var stats = app.Services.GetRequiredService<WallStats>();
        var ingest = app.Services.GetRequiredService<IngestStats>();
        var liveOptions = app.Services.GetRequiredService<IOptions<LiveOptions>>().Value;
        var wallOptions = app.Services.GetRequiredService<IOptions<WallOptions>>().Value;
        var assets = Enumerable.Range(1, settings.Assets).Select(i => new AssetKey("bench", $"unit-{i:000}")).ToList();

        var topics = app.Services.GetRequiredService<TopicNames>();
        await using var load = await LoadPublisher.StartAsync("127.0.0.1", brokerPort, topics, assets, settings.Assets, cancellationToken);
        await WaitUntilAsync(() => live.AssetCount >= settings.Assets, TimeSpan.FromSeconds(60), $"{settings.Assets} assets to publish", cancellationToken);
        Console.WriteLine($"Wall benchmark: {settings.Displays} displays, {settings.Assets} assets, {wallOptions.TilesPerPage} tiles per page, " +
            $"render cap {liveOptions.MaxRendersPerSecond} per second, .NET {Environment.Version}, {Environment.ProcessorCount} cores, " +
            $"server GC {System.Runtime.GCSettings.IsServerGC}.");

        await Task.Delay(Settle, cancellationToken);
        var idle = Memory.Measure();
        Console.WriteLine($"Idle app, {settings.Assets} messages/s:          {idle}");

        await using var chromium = await HeadlessChromium.StartAsync(settings.Chromium, cancellationToken);
        var opening = Stopwatch.StartNew();
        var pageCount = (int)Math.Ceiling(settings.Assets / (double)wallOptions.TilesPerPage);

        // A wall page needs a display session, as on a real kiosk. The first tab exchanges a display token for
        // the session cookie, which the other tabs share because they run in the same browser profile.
        var benchUser = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "bench wall")], "bench"));
        var display = await app.Services.GetRequiredService<DisplayTokenService>().CreateAsync("bench wall", null, benchUser, null, cancellationToken);
        await chromium.OpenAsync(new Uri(baseAddress, display.RelativeLink), cancellationToken);
        await WaitUntilAsync(() => stats.OpenDisplays >= 1, OpenTimeout, "the first display to sign in with its token", cancellationToken);
        for (var i = 1; i < settings.Displays; i++)
        {
            // The displays are spread over the pages of the rotation, as screens in different halls would be.
            await chromium.OpenAsync(new Uri(baseAddress, $"wall?page={(i % pageCount) + 1}"), cancellationToken);
            if ((i + 1) % 10 == 0)
            {
                var opened = i + 1;
                await WaitUntilAsync(() => stats.OpenDisplays >= opened, OpenTimeout, $"{opened} displays to open", cancellationToken);
            }
        }

        await WaitUntilAsync(() => stats.OpenDisplays >= settings.Displays, OpenTimeout, $"{settings.Displays} displays to open", cancellationToken);
        Console.WriteLine($"Opened {stats.OpenDisplays} displays in {opening.Elapsed.TotalSeconds:F0} s.");
        await Task.Delay(Settle, cancellationToken);
        var open = Memory.Measure();
        Console.WriteLine($"{settings.Displays} displays open, {settings.Assets} messages/s:  {open}");
        Console.WriteLine($"Per display:                          {open.PerDisplay(idle, settings.Displays)}");

        load.MessagesPerSecond = settings.Rate;
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        var before = stats.Displays().ToDictionary(display => display, display => display.Renders);
        var receivedBefore = ingest.Received;
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(settings.Seconds), cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var renders = stats.Displays().Where(before.ContainsKey).Select(display => display.Renders - before[display]).ToList();
        var rates = renders.Select(count => count / seconds).ToList();

        // Renders at least 1/cap apart fit floor(cap x seconds) + 1 times into a window, one more than the rate
        // alone allows when the first one falls on the window's start.
        var allowed = Math.Floor(liveOptions.MaxRendersPerSecond * seconds) + 1;
        var received = (ingest.Received - receivedBefore) / seconds;
        Console.WriteLine(
            $"Render rate at {received:F0} messages/s received over {seconds:F0} s: mean {rates.Average():F2}, max {rates.Max():F2} renders/s " +
            $"per display (cap {liveOptions.MaxRendersPerSecond}); {renders.Count(count => count > allowed)} of {renders.Count} displays rendered more than the cap allows ({allowed:F0} in the window).");
        Console.WriteLine($"Shared sparkline cache: {app.Services.GetRequiredService<SparklineService>().EntryCount} entries.");

        // The load stops before the app, whose embedded broker it publishes to.
        await load.DisposeAsync();
        await chromium.DisposeAsync();
        await app.StopAsync(CancellationToken.None);
    }

    /// <summary>Fails with advice when the app does not serve its static web assets, without which no wall page starts.</summary>
    private static async Task EnsureStaticAssetsAsync(Uri baseAddress, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        using var response = await http.GetAsync("js/wall-display.js", cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException(
                $"The app returned {(int)response.StatusCode} for js/wall-display.js. A build output folder serves static web assets " +
                "only in the Development environment: run with ASPNETCORE_ENVIRONMENT=Development or from a published folder.");
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string description, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {description}.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Command-line settings of the benchmark; arguments it does not know configure the app.</summary>
    private sealed record BenchmarkSettings(int Displays, int Assets, int Rate, int Seconds, string Chromium, IReadOnlyList<string> Configuration)
    {
        public static BenchmarkSettings Parse(string[] args)
        {
            var settings = new BenchmarkSettings(100, 100, 1000, 30, "/usr/bin/chromium", []);
            var configuration = new List<string>();
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--displays":
                        settings = settings with { Displays = PositiveNumber(args, ref i) };
                        break;
                    case "--assets":
                        settings = settings with { Assets = PositiveNumber(args, ref i) };
                        break;
                    case "--rate":
                        settings = settings with { Rate = PositiveNumber(args, ref i) };
                        break;
                    case "--seconds":
                        settings = settings with { Seconds = PositiveNumber(args, ref i) };
                        break;
                    case "--chromium":
                        settings = settings with { Chromium = Value(args, ref i) };
                        break;
                    default:
                        configuration.Add(args[i]);
                        break;
                }
            }

            return settings with { Configuration = configuration };
        }

        private static string Value(string[] args, ref int i)
        {
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"Option {args[i]} needs a value.");
            }

            return args[++i];
        }

        private static int PositiveNumber(string[] args, ref int i)
        {
            var option = args[i];
            var text = Value(args, ref i);
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
            {
                throw new ArgumentException($"Option {option} needs a whole number of at least 1, but is '{text}'.");
            }

            return number;
        }
    }

    /// <summary>Server memory at one moment: the managed heap after a full collection, and the process working set.</summary>
    private sealed record Memory(long ManagedHeap, long WorkingSet)
    {
        private const double Mebibyte = 1024 * 1024;

        public static Memory Measure()
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            using var process = Process.GetCurrentProcess();
            return new Memory(heap, process.WorkingSet64);
        }

        public string PerDisplay(Memory idle, int displays) => string.Create(
            CultureInfo.InvariantCulture,
            $"managed heap {(ManagedHeap - idle.ManagedHeap) / Mebibyte / displays,7:F3} MiB, working set {(WorkingSet - idle.WorkingSet) / Mebibyte / displays,7:F3} MiB");

        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"managed heap {ManagedHeap / Mebibyte,7:F1} MiB, working set {WorkingSet / Mebibyte,7:F1} MiB");
    }

    /// <summary>
    /// Publishes telemetry round-robin over the assets at <see cref="MessagesPerSecond"/>, with QoS 0, from a
    /// background loop that paces by elapsed time so a slow publish is caught up.
    /// </summary>
    private sealed class LoadPublisher : IAsyncDisposable
    {
        private readonly IMqttClient _client;
        private readonly IReadOnlyList<AssetKey> _assets;
        private readonly TopicNames _topics;
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;
        private double _messagesPerSecond;
        private bool _disposed;

        private LoadPublisher(IMqttClient client, TopicNames topics, IReadOnlyList<AssetKey> assets, double messagesPerSecond)
        {
            _client = client;
            _topics = topics;
            _assets = assets;
            _messagesPerSecond = messagesPerSecond;
        }

        public double MessagesPerSecond
        {
            get => Volatile.Read(ref _messagesPerSecond);
            set => Volatile.Write(ref _messagesPerSecond, value);
        }

        public static async Task<LoadPublisher> StartAsync(
            string host, int port, TopicNames topics, IReadOnlyList<AssetKey> assets, double messagesPerSecond, CancellationToken cancellationToken)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            var options = new MqttClientOptionsBuilder()
                .WithTcpServer(host, port)
                .WithClientId($"dashboard-bench-load-{Guid.NewGuid():N}")
                .WithCleanStart(true)
                .Build();
            await client.ConnectAsync(options, cancellationToken);
            var publisher = new LoadPublisher(client, topics, assets, messagesPerSecond);
            publisher._loop = Task.Run(() => publisher.PublishAsync(publisher._stop.Token), CancellationToken.None);
            return publisher;
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await _stop.CancelAsync();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }

            await _client.DisconnectAsync();
            _client.Dispose();
            _stop.Dispose();
        }

        private async Task PublishAsync(CancellationToken cancellationToken)
        {
            long published = 0;
            var due = 0.0;
            var clock = Stopwatch.StartNew();
            var last = clock.Elapsed;
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = clock.Elapsed;
                due += (now - last).TotalSeconds * MessagesPerSecond;
                last = now;
                for (; due >= 1; due--)
                {
                    var asset = _assets[(int)(published % _assets.Count)];
                    var phase = published / (double)_assets.Count;
                    var payload = PayloadWriter.Telemetry(DateTimeOffset.UtcNow,
                    [
                        new MetricValue("T30", Math.Round(1585 + (5 * Math.Sin(phase / 10)), 2)),
                        new MetricValue("T50", Math.Round(1400 + (3 * Math.Cos(phase / 7)), 2)),
                        new MetricValue("P30", Math.Round(554 + Math.Sin(phase / 5), 2)),
                        new MetricValue("Nc", Math.Round(9050 + (4 * Math.Sin(phase / 3)), 1)),
                    ]);
                    var message = new MqttApplicationMessageBuilder()
                        .WithTopic(_topics.Topic(asset, TopicKind.Telemetry))
                        .WithPayload(payload)
                        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
                        .Build();
                    await _client.PublishAsync(message, cancellationToken);
                    published++;
                }

                await Task.Delay(5, cancellationToken);
            }
        }
    }
}
