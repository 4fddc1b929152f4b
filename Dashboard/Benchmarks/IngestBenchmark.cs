using System.Diagnostics;
using Dashboard.Hosting;
using Dashboard.Mqtt;
using Dashboard.Storage;
using Dashboard.Telemetry;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Dashboard.Benchmarks;

/// <summary>
/// Measures how fast QoS 1 telemetry reaches the live state: a bare MQTTnet subscriber that only counts,
/// the app without storage, with SQLite and with PostgreSQL, side by side in one run.
/// </summary>
/// <remarks>
/// Each run first connects the subscriber with a persistent session and disconnects it, then publishes every
/// message, which the broker queues for the session, and then connects the subscriber again. The app is
/// started first and connects only after it has run idle for <see cref="SettleTime"/>. The live rate
/// is (messages - 1) divided by the time from the first to the last message reaching the live state (for
/// the bare subscriber, its message handler), so publishing and start-up are not part of it. Storage
/// variants also report the end-to-end rate: messages divided by the time from the first arrival until all
/// are stored and the broker has received every acknowledgement (with Mosquitto, until all are stored,
/// because its acknowledgements cannot be observed). The app runs in this process with replay, estimation
/// and alerts off, so the variants differ only in storage. An untimed round of fewer messages runs first.
/// </remarks>
internal sealed class IngestBenchmark(BenchmarkOptions options)
{
    /// <summary>The 21 metrics of every message: the three operating settings and 18 sensors of C-MAPSS.</summary>
    private static readonly string[] MetricNames =
    [
        "setting1", "setting2", "setting3", "T2", "T24", "T30", "T50", "P2", "P15", "P30", "Nf",
        "Nc", "epr", "Ps30", "phi", "NRf", "NRc", "BPR", "farB", "htBleed", "W31",
    ];

    private const string TopicPrefix = "plant";
    private const int WarmUpMessages = 20_000;
    private const double Target = 0.8;

    /// <summary>How long the app runs idle after its start before its subscriber connects and the messages flow.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(15);

    /// <summary>How long arrivals may stop before a run fails as incomplete, for example because the broker dropped messages.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);

    private enum Variant
    {
        BareSubscriber,
        AppWithoutStorage,
        AppSqlite,
        AppPostgres,
    }

    private static string Label(Variant variant) => variant switch
    {
        Variant.BareSubscriber => "(a) bare MQTTnet subscriber",
        Variant.AppWithoutStorage => "(b) app, Storage:Enabled=false",
        Variant.AppSqlite => "(c) app, SQLite",
        _ => "(d) app, PostgreSQL",
    };

    /// <param name="LiveRate">Messages per second reaching the live state.</param>
    /// <param name="CpuPerMessage">
    /// CPU time of this process per message between the first and the last arrival, in microseconds; a
    /// database server's own CPU time is not included.
    /// </param>
    /// <param name="EndToEndRate">Messages per second until all are stored and acknowledged; null without storage.</param>
    private sealed record RunResult(double LiveRate, double CpuPerMessage, double? EndToEndRate);

    public async Task<int> RunAsync()
    {
        Console.WriteLine($"bench ingest: {options.Messages:N0} messages of {MetricNames.Length} metrics at QoS 1 over {options.Assets} assets, {options.Rounds} rounds after an untimed warm-up round");
        Console.WriteLine($"machine: {BenchmarkSupport.DescribeMachine()}");

        var messages = BuildMessages();
        List<string> brokers = ["in-process MQTTnet"];
        if (options.Mosquitto is not null)
        {
            brokers.Add("Mosquitto");
        }

        var variants = Enum.GetValues<Variant>()
            .Where(variant => options.Variants.Contains((char)('a' + (int)variant), StringComparison.Ordinal))
            .Where(variant => variant != Variant.AppPostgres || options.Postgres is not null)
            .ToList();

        // One untimed round with fewer messages compiles the hot paths of every variant first, so the first
        // timed round does not pay for tiered JIT compilation.
        var warmUp = messages[..Math.Min(messages.Length, WarmUpMessages)];
        foreach (var broker in brokers)
        {
            foreach (var variant in variants)
            {
                await RunVariantAsync(broker, variant, warmUp);
            }
        }

        var results = new Dictionary<(string, Variant), List<RunResult>>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var broker in brokers)
            {
                // Variants take turns within a round, so a change in machine load spreads over all of them.
                foreach (var variant in variants)
                {
                    var result = await RunVariantAsync(broker, variant, messages);
                    Console.WriteLine(
                        $"round {round}, {broker}, {Label(variant)}: live {BenchmarkSupport.Format(result.LiveRate)} msg/s, CPU {BenchmarkSupport.Format(result.CpuPerMessage, "0.0")} us/msg" +
                        (result.EndToEndRate is { } endToEnd ? $", stored and acknowledged {BenchmarkSupport.Format(endToEnd)} msg/s" : "") +
                        $" (load {BenchmarkSupport.LoadAverage()})");
                    if (!results.TryGetValue((broker, variant), out var list))
                    {
                        results[(broker, variant)] = list = [];
                    }

                    list.Add(result);
                }
            }
        }

        return PrintSummary(brokers, variants, results) ? 0 : 1;
    }

    private bool PrintSummary(List<string> brokers, List<Variant> variants, Dictionary<(string, Variant), List<RunResult>> results)
    {
        if (!variants.Contains(Variant.BareSubscriber) || !variants.Contains(Variant.AppWithoutStorage))
        {
            Console.WriteLine("Ratios and targets need variants a and b.");
            return true;
        }

        var allMet = true;
        Console.WriteLine();
        Console.WriteLine($"Medians of {options.Rounds} rounds (load average at the end {BenchmarkSupport.LoadAverage()}):");
        foreach (var broker in brokers)
        {
            double Live(Variant variant) => BenchmarkSupport.Median(results[(broker, variant)].Select(r => r.LiveRate));
            var bare = Live(Variant.BareSubscriber);
            var withoutStorage = Live(Variant.AppWithoutStorage);
            Console.WriteLine($"  {broker}");
            foreach (var variant in variants)
            {
                var live = Live(variant);
                var cpu = BenchmarkSupport.Median(results[(broker, variant)].Select(r => r.CpuPerMessage));
                var endToEnd = results[(broker, variant)].Select(r => r.EndToEndRate).OfType<double>().ToList();
                Console.WriteLine(
                    $"    {Label(variant),-32} live {BenchmarkSupport.Format(live),8} msg/s  {BenchmarkSupport.Format(live / bare, "0.00")} x (a)  {BenchmarkSupport.Format(live / withoutStorage, "0.00")} x (b)  CPU {BenchmarkSupport.Format(cpu, "0.0")} us/msg" +
                    (endToEnd.Count > 0 ? $"  stored and acknowledged {BenchmarkSupport.Format(BenchmarkSupport.Median(endToEnd))} msg/s" : ""));
            }

            allMet &= Check($"{broker}: (b) >= {Target:0.0} x (a)", withoutStorage / bare);
            foreach (var variant in variants.Where(v => v is Variant.AppSqlite or Variant.AppPostgres))
            {
                allMet &= Check($"{broker}: {Label(variant)[..3]} >= {Target:0.0} x (b)", Live(variant) / withoutStorage);
            }
        }

        return allMet;
    }

    private static bool Check(string target, double ratio)
    {
        var met = ratio >= Target;
        Console.WriteLine($"  target {target}: {BenchmarkSupport.Format(ratio, "0.000")}, {(met ? "met" : "MISSED")}");
        return met;
    }

    private async Task<RunResult> RunVariantAsync(string broker, Variant variant, (string Topic, byte[] Payload)[] messages)
    {
        await using var inProcess = options.Mosquitto is { } mosquitto && broker == "Mosquitto"
            ? null
            : await InProcessBroker.StartAsync(maxPendingMessages: messages.Length * 2);
        var (host, port) = inProcess is null ? options.Mosquitto!.Value : ("127.0.0.1", inProcess.Port);
        var clientId = $"bench-{variant}-{Guid.NewGuid():N}";
        try
        {
            return variant == Variant.BareSubscriber
                ? await RunBareSubscriberAsync(host, port, clientId, inProcess, messages)
                : await RunAppAsync(host, port, clientId, variant, inProcess, messages);
        }
        finally
        {
            await RemoveSessionAsync(host, port, clientId);
        }
    }

    private static async Task<RunResult> RunBareSubscriberAsync(string host, int port, string clientId, InProcessBroker? broker, (string Topic, byte[] Payload)[] messages)
    {
        var arrivals = new ArrivalCounter(messages.Length);
        var clientOptions = MqttClientOptionsFactory.Create(
            new MqttOptions { Host = host, Port = port, EmbeddedBroker = { Enabled = false } }, clientId, persistentSession: true);
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += _ =>
        {
            arrivals.Arrived();
            return Task.CompletedTask;
        };

        await client.ConnectAsync(clientOptions);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter($"{TopicPrefix}/+/+/telemetry", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await client.DisconnectAsync(new MqttClientDisconnectOptions());

        await PublishAllAsync(host, port, messages);
        await client.ConnectAsync(clientOptions);
        await arrivals.WaitAsync(broker);
        if (broker is not null)
        {
            await WaitUntilAsync(() => broker.Acknowledged(clientId) >= messages.Length, "acknowledgements of the bare subscriber");
        }

        await client.DisconnectAsync(new MqttClientDisconnectOptions());
        return new RunResult(arrivals.Rate, arrivals.CpuPerMessage, null);
    }

    private async Task<RunResult> RunAppAsync(string host, int port, string clientId, Variant variant, InProcessBroker? broker, (string Topic, byte[] Payload)[] messages)
    {
        var dataDirectory = BenchmarkSupport.TemporaryFolder("dashboard-bench-");
        await using var database = variant == Variant.AppPostgres ? await ScratchDatabase.CreateAsync(options.Postgres!, "ingest") : null;
        try
        {
            var arguments = AppArguments(host, port, clientId, variant, dataDirectory, database?.ConnectionString);

            // The first start creates the persistent session (and the schema); the messages then queue in the broker.
            await using (var first = DashboardApp.Build(arguments))
            {
                await first.StartAsync();
                await WaitUntilAsync(() => first.Services.GetRequiredService<IngestStats>().ConnectionState == BrokerConnectionState.Connected, "the app's first connection");
                await first.StopAsync();
            }

            await PublishAllAsync(host, port, messages);

            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var app = DashboardApp.Build(arguments, builder => builder.Services.AddSingleton(new IngestStartGate(gate.Task)));
            var arrivals = new ArrivalCounter(messages.Length);
            using var subscription = app.Services.GetRequiredService<LiveState>().Subscribe(null, _ => arrivals.Arrived());
            await app.StartAsync();

            // Right after its start the app still compiles and recompiles methods (tiered JIT), which a
            // long-running app did long ago. The messages wait in the broker until that is over, so it is not timed.
            await Task.Delay(SettleTime);
            gate.SetResult();
            await arrivals.WaitAsync(broker);

            double? endToEnd = null;
            if (variant != Variant.AppWithoutStorage)
            {
                var stats = app.Services.GetRequiredService<StorageStats>();
                await WaitUntilAsync(
                    () => stats.StoredMessages >= messages.Length && (broker is null || broker.Acknowledged(clientId) >= messages.Length),
                    "storage and acknowledgement of every message");
                endToEnd = messages.Length / Stopwatch.GetElapsedTime(arrivals.FirstArrival).TotalSeconds;
            }

            await app.StopAsync();
            return new RunResult(arrivals.Rate, arrivals.CpuPerMessage, endToEnd);
        }
        finally
        {
            BenchmarkSupport.DeleteFolder(dataDirectory);
        }
    }

    private static string[] AppArguments(string host, int port, string clientId, Variant variant, string dataDirectory, string? connectionString)
    {
        List<string> arguments =
        [
            "--urls=http://127.0.0.1:0",
            "--environment=Production",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore=Warning",

            // The app has no administrator in a new data folder and would print a setup link at every start.
            "--Logging:LogLevel:Dashboard.Security=Error",

            // The build output has no wwwroot folder; the benchmark serves no pages.
            "--Logging:LogLevel:Microsoft.AspNetCore.StaticFiles=Error",
            "--Replay:Enabled=false",
            "--Estimation:Enabled=false",
            "--Alerts:Enabled=false",
            "--Mqtt:EmbeddedBroker:Enabled=false",
            $"--Mqtt:Host={host}",
            $"--Mqtt:Port={port}",
            $"--Mqtt:TopicPrefix={TopicPrefix}",
            $"--Mqtt:ClientId={clientId}",
            $"--Storage:Enabled={variant != Variant.AppWithoutStorage}",
            $"--Storage:DataDirectory={dataDirectory}",
        ];
        if (variant == Variant.AppPostgres)
        {
            arguments.Add($"--ConnectionStrings:Dashboard={connectionString}");
        }

        return [.. arguments];
    }

    /// <summary>Returns the messages: one per asset and second, round robin over the assets, an hour ago and earlier.</summary>
    private (string Topic, byte[] Payload)[] BuildMessages()
    {
        var topics = new TopicNames(TopicPrefix);
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds()).AddSeconds(-(options.Messages / options.Assets));
        var random = new Random(42);
        var messages = new (string, byte[])[options.Messages];
        for (var i = 0; i < messages.Length; i++)
        {
            var asset = new AssetKey("bench", $"engine-{i % options.Assets:D3}");
            var values = MetricNames.Select(metric => new MetricValue(metric, Math.Round(500 + (random.NextDouble() * 1000), 4))).ToArray();
            messages[i] = (topics.Topic(asset, TopicKind.Telemetry), PayloadWriter.Telemetry(start.AddSeconds(i / options.Assets), values));
        }

        return messages;
    }

    /// <summary>Publishes every message at QoS 1, with up to 1,000 awaiting the broker's acknowledgement at once.</summary>
    private static async Task PublishAllAsync(string host, int port, (string Topic, byte[] Payload)[] messages)
    {
        const int window = 1000;
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId($"bench-publisher-{Guid.NewGuid():N}")
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(60))
            .Build());
        var pending = new List<Task<MqttClientPublishResult>>(window);
        foreach (var (topic, payload) in messages)
        {
            pending.Add(client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build()));
            if (pending.Count == window)
            {
                await CheckPublishedAsync(pending);
            }
        }

        await CheckPublishedAsync(pending);
        await client.DisconnectAsync(new MqttClientDisconnectOptions());
    }

    private static async Task CheckPublishedAsync(List<Task<MqttClientPublishResult>> pending)
    {
        foreach (var result in await Task.WhenAll(pending))
        {
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"The broker rejected a benchmark message: {result.ReasonCode} {result.ReasonString}.");
            }
        }

        pending.Clear();
    }

    /// <summary>Connects once with a clean start and no session expiry, which deletes the session and its subscriptions.</summary>
    private static async Task RemoveSessionAsync(string host, int port, string clientId)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithSessionExpiryInterval(0)
            .Build());
        await client.DisconnectAsync(new MqttClientDisconnectOptions());
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(deadline) > RunTimeout)
            {
                throw new TimeoutException($"Timed out after {RunTimeout} waiting for {what}.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Counts arrivals and keeps the times of the first and the last expected one.</summary>
    private sealed class ArrivalCounter(int expected)
    {
        private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _count;
        private long _first;
        private long _last;
        private TimeSpan _firstCpu;
        private TimeSpan _lastCpu;

        public long Count => Interlocked.Read(ref _count);

        /// <summary>
        /// Waits for every expected arrival; throws when none arrives for <see cref="StallTimeout"/>, which
        /// means the broker dropped messages or the subscriber stopped.
        /// </summary>
        public async Task WaitAsync(InProcessBroker? broker)
        {
            var last = Count;
            var lastChange = Stopwatch.GetTimestamp();
            while (!_completed.Task.IsCompleted)
            {
                await Task.WhenAny(_completed.Task, Task.Delay(TimeSpan.FromMilliseconds(200)));
                if (Count != last)
                {
                    last = Count;
                    lastChange = Stopwatch.GetTimestamp();
                }
                else if (Stopwatch.GetElapsedTime(lastChange) > StallTimeout)
                {
                    var dropped = broker is null
                        ? "Mosquitto may have dropped queued messages: its max_queued_messages must be 0 (no limit) or at least --messages"
                        : $"the in-process broker dropped {broker.DroppedMessages} messages";
                    throw new TimeoutException($"Only {last:N0} of {expected:N0} messages arrived and none for {StallTimeout}; {dropped}.");
                }
            }
        }

        /// <summary>Stopwatch timestamp of the first arrival.</summary>
        public long FirstArrival => Interlocked.Read(ref _first);

        /// <summary>Arrivals per second between the first and the last expected arrival.</summary>
        public double Rate => (expected - 1) / Stopwatch.GetElapsedTime(_first, _last).TotalSeconds;

        /// <summary>CPU time of this process between the first and the last arrival per arrival, in microseconds.</summary>
        public double CpuPerMessage => (_lastCpu - _firstCpu).TotalMicroseconds / (expected - 1);

        public void Arrived()
        {
            var count = Interlocked.Increment(ref _count);
            if (count == 1)
            {
                _firstCpu = Environment.CpuUsage.TotalTime;
                Interlocked.Exchange(ref _first, Stopwatch.GetTimestamp());
            }

            if (count == expected)
            {
                _last = Stopwatch.GetTimestamp();
                _lastCpu = Environment.CpuUsage.TotalTime;
                _completed.TrySetResult();
            }
        }
    }
}
