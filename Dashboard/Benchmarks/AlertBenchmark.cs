using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dashboard.Alerts;
using Dashboard.Hosting;
using Dashboard.Mqtt;
using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Dashboard.Telemetry;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Dashboard.Benchmarks;

/// <summary>
/// Measures alert rule evaluation: the rate of <see cref="AlertEngine.EvaluateAsync"/> on a real SQLite
/// store, the rate of a bare <see cref="ConditionTracker"/>, and messages per second through the app's
/// ingest pipeline (embedded broker, parser, live state, SQLite writer) with alert evaluation on and off.
/// </summary>
/// <remarks>
/// Usage: <c>dotnet Dashboard.dll bench alerts [--assets N] [--metrics N] [--rounds N] [--messages N] [--repeats N]</c>.
/// Every asset reports every metric in each round, and five rules match every metric, so one round is
/// assets × metrics × 5 evaluations. Values follow a bounded random walk that crosses the thresholds
/// now and then, so some evaluations change alerts and write to the store, as in a plant.
/// </remarks>
public static class AlertBenchmark
{
    private const int RuleCount = 5;

    public static async Task<int> RunAsync(string[] args)
    {
        BenchmarkOptions options;
        try
        {
            options = BenchmarkOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        Console.WriteLine(FormattableString.Invariant(
            $"bench alerts: {options.Assets} assets x {options.Metrics} metrics x {RuleCount} rules, {Environment.ProcessorCount} cores, .NET {Environment.Version}"));
        MeasureTrackers(options);
        await MeasureEngineAsync(options);
        await MeasureIngestAsync(options);
        return 0;
    }

    /// <summary>The five rules of the benchmark; each matches every metric of every asset.</summary>
    public static IReadOnlyList<AlertRule> Rules() =>
    [
        new(0, "high", RuleKind.High, "*", "*", "*", 95, 0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, AlertPriority.High, "{asset} {metric} high", true),
        new(0, "low", RuleKind.Low, "*", "*", "*", 5, 0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, AlertPriority.Medium, "{asset} {metric} low", true),
        new(0, "rate", RuleKind.RateOfChange, "*", "*", "*", 300, 0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMinutes(1), AlertPriority.Low, "{asset} {metric} changes fast", true),
        new(0, "high debounced", RuleKind.High, "*", "*", "*", 90, 5, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10), TimeSpan.Zero, AlertPriority.Low, "{asset} {metric} high for 3 s", true),
        new(0, "low debounced", RuleKind.Low, "*", "*", "*", 10, 5, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10), TimeSpan.Zero, AlertPriority.Low, "{asset} {metric} low for 3 s", true),
    ];

    /// <summary>Evaluates bare trackers, one per alarm point, without the engine, board or store.</summary>
    private static void MeasureTrackers(BenchmarkOptions options)
    {
        var rules = Rules().Select((rule, index) => rule with { Id = index + 1 }).ToArray();
        var trackers = new ConditionTracker[options.Assets * options.Metrics * rules.Length];
        for (var i = 0; i < trackers.Length; i++)
        {
            trackers[i] = new ConditionTracker(rules[i % rules.Length]);
        }

        var signal = new Signal(options.Assets * options.Metrics, seed: 1);
        var start = DateTimeOffset.UtcNow;
        long changes = 0;
        var stopwatch = new Stopwatch();
        for (var round = 0; round < options.Rounds + 1; round++)
        {
            // Round 0 is a warm-up: it fills the rate windows and lets the JIT finish.
            if (round == 1)
            {
                stopwatch.Start();
            }

            var timestamp = start.AddSeconds(round);
            for (var series = 0; series < options.Assets * options.Metrics; series++)
            {
                var value = signal.Next(series);
                for (var rule = 0; rule < rules.Length; rule++)
                {
                    if (trackers[(series * rules.Length) + rule].Evaluate(timestamp, value) is not null)
                    {
                        changes++;
                    }
                }
            }
        }

        stopwatch.Stop();
        var evaluations = (long)options.Rounds * trackers.Length;
        Console.WriteLine(FormattableString.Invariant(
            $"ConditionTracker.Evaluate: {evaluations:N0} evaluations in {stopwatch.Elapsed.TotalSeconds:F2} s = {evaluations / stopwatch.Elapsed.TotalSeconds:N0}/s ({changes:N0} condition changes)"));
    }

    /// <summary>Runs readings through <see cref="AlertEngine.EvaluateAsync"/> with the real store on a new SQLite file.</summary>
    private static async Task MeasureEngineAsync(BenchmarkOptions options)
    {
        var directory = Path.Combine(Path.GetTempPath(), "dashboard-bench-alerts", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton(TimeProvider.System);
            services.AddSingleton(Options.Create(new LiveOptions()));
            services.AddSingleton(Options.Create(new EstimateOptions()));
            services.AddSingleton(Options.Create(new AlertOptions { SeedDemoRules = false }));
            services.AddSingleton(Options.Create(new MqttOptions { EmbeddedBroker = { Enabled = false } }));
            services.AddSingleton(new TopicNames("plant"));
            services.AddSingleton<LiveState>();
            services.AddSingleton<EstimateSelector>();
            services.AddSingleton<TelemetryFeed>();
            services.AddSingleton<StorageReadiness>();
            services.AddSingleton<MqttPublisher>();
            services.AddSingleton<SqlDialect>(new SqliteDialect(Path.Combine(directory, "dashboard.db")));
            services.AddSingleton<AlertStore>();
            services.AddSingleton<AlertBoard>();
            services.AddSingleton<AlertNotifier>();
            services.AddSingleton<AlertEngine>();
            await using var provider = services.BuildServiceProvider();

            var dialect = (SqliteDialect)provider.GetRequiredService<SqlDialect>();
            await new SqliteReadingStore(dialect, provider.GetRequiredService<ILogger<SqliteReadingStore>>()).MigrateAsync(CancellationToken.None);
            var store = provider.GetRequiredService<AlertStore>();
            foreach (var rule in Rules())
            {
                await store.SaveRuleAsync(rule, "bench", DateTimeOffset.UtcNow, CancellationToken.None);
            }

            var engine = provider.GetRequiredService<AlertEngine>();
            await engine.LoadAsync(CancellationToken.None);

            var readings = Readings(options, DateTimeOffset.UtcNow, seed: 2);
            var stopwatch = new Stopwatch();
            long evaluationsBefore = 0;
            for (var round = 0; round < readings.Count; round++)
            {
                if (round == 1)
                {
                    evaluationsBefore = engine.Evaluations;
                    stopwatch.Start();
                }

                foreach (var reading in readings[round])
                {
                    await engine.EvaluateAsync(new TelemetryEvent(reading, null), CancellationToken.None);
                }
            }

            stopwatch.Stop();
            var evaluations = engine.Evaluations - evaluationsBefore;
            var alerts = provider.GetRequiredService<AlertBoard>().All().Count;
            Console.WriteLine(FormattableString.Invariant(
                $"AlertEngine.EvaluateAsync (SQLite): {evaluations:N0} evaluations in {stopwatch.Elapsed.TotalSeconds:F2} s = {evaluations / stopwatch.Elapsed.TotalSeconds:N0}/s, {readings.Count - 1:N0} rounds, {alerts:N0} alarm points stored"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Publishes the same messages to the app with alerts off and on, alternating, and reports messages per
    /// second until every message is stored. With alerts on, the clock also waits for every evaluation.
    /// </summary>
    private static async Task MeasureIngestAsync(BenchmarkOptions options)
    {
        var messages = Messages(options, DateTimeOffset.UtcNow.AddMinutes(-1), seed: 3);
        var off = new List<double>();
        var on = new List<double>();
        for (var repeat = 0; repeat < options.Repeats; repeat++)
        {
            off.Add(await MeasureIngestOnceAsync(messages, options, alerts: false));
            on.Add(await MeasureIngestOnceAsync(messages, options, alerts: true));
        }

        var offMedian = Median(off);
        var onMedian = Median(on);
        Console.WriteLine(FormattableString.Invariant(
            $"Ingest, median of {options.Repeats}: alerts off {offMedian:N0} msg/s, alerts on {onMedian:N0} msg/s, ratio on/off {onMedian / offMedian:F2}"));
    }

    private static async Task<double> MeasureIngestOnceAsync(IReadOnlyList<(string Topic, byte[] Payload)> messages, BenchmarkOptions options, bool alerts)
    {
        var directory = Path.Combine(Path.GetTempPath(), "dashboard-bench-alerts", Guid.NewGuid().ToString("N"));
        var brokerPort = FreePort();
        string[] arguments =
        [
            $"--urls=http://127.0.0.1:{FreePort()}",
            "--Replay:Enabled=false",
            "--Estimation:Enabled=false",
            $"--Alerts:Enabled={alerts}",
            "--Alerts:SeedDemoRules=false",
            $"--Storage:DataDirectory={directory}",
            "--Mqtt:EmbeddedBroker:Enabled=true",
            $"--Mqtt:EmbeddedBroker:Port={brokerPort}",
            $"--Mqtt:ClientId=bench-ingest-{Guid.NewGuid():N}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore=Error",

            // The throwaway app has no administrator, and its set-up link is of no use here.
            "--Logging:LogLevel:Dashboard.Security.Setup=Error",
        ];
        await using var app = DashboardApp.Build(arguments);
        await app.StartAsync();
        try
        {
            var stats = app.Services.GetRequiredService<IngestStats>();
            await WaitUntilAsync(() => stats.ConnectionState == BrokerConnectionState.Connected, TimeSpan.FromSeconds(30), "the ingest subscriber to connect");
            var engine = alerts ? app.Services.GetRequiredService<AlertEngine>() : null;
            if (engine is not null)
            {
                await engine.Loaded.WaitAsync(TimeSpan.FromSeconds(30));
                var service = app.Services.GetRequiredService<AlertService>();
                foreach (var rule in Rules())
                {
                    await service.SaveRuleAsync(rule, "bench", CancellationToken.None);
                }
            }

            var storage = app.Services.GetRequiredService<StorageStats>();
            using var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", brokerPort).WithClientId($"bench-publisher-{Guid.NewGuid():N}").Build());

            var stopwatch = Stopwatch.StartNew();
            await PublishAsync(client, messages);
            await WaitUntilAsync(() => storage.StoredMessages >= messages.Count, TimeSpan.FromMinutes(10), $"{messages.Count} messages to be stored");
            var stored = stopwatch.Elapsed;
            var expectedEvaluations = (long)messages.Count * options.Metrics * RuleCount;
            await WaitUntilAsync(
                () => storage.StoredMessages >= messages.Count && (engine is null || engine.Evaluations >= expectedEvaluations),
                TimeSpan.FromMinutes(10),
                $"{messages.Count} messages to be stored and evaluated");
            stopwatch.Stop();

            var rate = messages.Count / stopwatch.Elapsed.TotalSeconds;
            var evaluations = engine is null
                ? string.Empty
                : FormattableString.Invariant($" (all stored after {stored.TotalSeconds:F2} s), {engine.Evaluations:N0} evaluations");
            Console.WriteLine(FormattableString.Invariant(
                $"  ingest with alerts {(alerts ? "on " : "off")}: {messages.Count:N0} messages of {options.Metrics} metrics in {stopwatch.Elapsed.TotalSeconds:F2} s = {rate:N0} msg/s{evaluations}"));
            await client.DisconnectAsync();
            return rate;
        }
        finally
        {
            await app.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Publishes with QoS 1 in batches of concurrent publishes, as a gateway with many devices would.</summary>
    private static async Task PublishAsync(IMqttClient client, IReadOnlyList<(string Topic, byte[] Payload)> messages)
    {
        const int batchSize = 500;
        for (var offset = 0; offset < messages.Count; offset += batchSize)
        {
            var batch = messages.Skip(offset).Take(batchSize).Select(message => client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(message.Topic)
                .WithPayload(message.Payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build()));
            await Task.WhenAll(batch);
        }
    }

    /// <summary>Returns one list of readings per round (round 0 is a warm-up), every asset reporting every metric.</summary>
    private static List<TelemetryReading[]> Readings(BenchmarkOptions options, DateTimeOffset start, int seed)
    {
        var signal = new Signal(options.Assets * options.Metrics, seed);
        var metricNames = Enumerable.Range(0, options.Metrics).Select(metric => $"m{metric:00}").ToArray();
        var rounds = new List<TelemetryReading[]>();
        for (var round = 0; round < options.Rounds + 1; round++)
        {
            var readings = new TelemetryReading[options.Assets];
            for (var asset = 0; asset < options.Assets; asset++)
            {
                var values = new MetricValue[options.Metrics];
                for (var metric = 0; metric < options.Metrics; metric++)
                {
                    values[metric] = new MetricValue(metricNames[metric], signal.Next((asset * options.Metrics) + metric));
                }

                readings[asset] = new TelemetryReading(new AssetKey("bench", $"asset-{asset:0000}"), start.AddSeconds(round), values);
            }

            rounds.Add(readings);
        }

        return rounds;
    }

    /// <summary>Returns <see cref="BenchmarkOptions.Messages"/> telemetry messages, one per asset in turn.</summary>
    private static List<(string Topic, byte[] Payload)> Messages(BenchmarkOptions options, DateTimeOffset start, int seed)
    {
        var topics = new TopicNames("plant");
        var readings = Readings(options with { Rounds = (options.Messages / options.Assets) + 1 }, start, seed);
        return readings.SelectMany(round => round)
            .Take(options.Messages)
            .Select(reading => (topics.Topic(reading.Asset, TopicKind.Telemetry), PayloadWriter.Telemetry(reading.Timestamp, reading.Values)))
            .ToList();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string description)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {description}.");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>
    /// A bounded random walk per series between 0 and 100 with steps of up to ±1 per second, so no rate of
    /// change reaches 300 per minute. Series start at 50, except every hundredth, which starts at 94.5 and
    /// crosses the High thresholds (90 and 95) now and then: about 1 % of series raise alerts, as in a plant
    /// where most equipment is healthy.
    /// </summary>
    private sealed class Signal(int seriesCount, int seed)
    {
        private readonly Random _random = new(seed);
        private readonly double[] _values = Enumerable.Range(0, seriesCount).Select(series => series % 100 == 0 ? 94.5 : 50.0).ToArray();

        public double Next(int series)
        {
            var next = _values[series] + ((_random.NextDouble() - 0.5) * 2);
            _values[series] = Math.Clamp(next, 0, 100);
            return Math.Round(_values[series], 2);
        }
    }

    private sealed record BenchmarkOptions(int Assets, int Metrics, int Rounds, int Messages, int Repeats)
    {
        public static BenchmarkOptions Parse(string[] args)
        {
            var options = new BenchmarkOptions(Assets: 1000, Metrics: 20, Rounds: 10, Messages: 20_000, Repeats: 5);
            for (var i = 0; i < args.Length; i += 2)
            {
                var option = args[i];
                if (option is not ("--assets" or "--metrics" or "--rounds" or "--messages" or "--repeats"))
                {
                    throw new ArgumentException($"Unknown option {option}; use --assets, --metrics, --rounds, --messages or --repeats.");
                }

                if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
                {
                    throw new ArgumentException($"Option {option} needs a whole number of at least 1, for example {option} 10.");
                }

                options = option switch
                {
                    "--assets" => options with { Assets = value },
                    "--metrics" => options with { Metrics = value },
                    "--rounds" => options with { Rounds = value },
                    "--messages" => options with { Messages = value },
                    _ => options with { Repeats = value },
                };
            }

            return options;
        }
    }
}
