using System.Diagnostics;
using System.Globalization;
using Dashboard.Estimation;
using Dashboard.Estimation.Turbofan;
using Dashboard.Hosting;
using Dashboard.Mqtt;
using Dashboard.Replay;
using Dashboard.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Dashboard.Benchmarks;

/// <summary>
/// Measures the built-in estimator: estimates per second on one core for 1,000 turbofan assets, per method,
/// and the app's ingest rate with the estimator on and off, side by side in one run.
/// </summary>
/// <remarks>
/// Usage: <c>bench estimator [--assets N] [--rounds N] [--messages N] [--repeats N]</c>. The assets replay
/// C-MAPSS FD001 training units (asset i is unit i mod 100, starting at cycle 60), so the turbofan model
/// fits them. Assets of site <c>bench</c> are estimated with all five fold models; the one-fold figure uses
/// site <c>demo</c>, where each replayed unit excludes the fold model that trained on it.
/// </remarks>
public static class EstimatorBenchmark
{
    private const int StartCycle = 60;

    public static async Task<int> RunAsync(string[] args)
    {
        var (assets, rounds, messages, repeats) = (1000, 20, 20_000, 3);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                await Console.Error.WriteLineAsync($"Option {args[i]} needs a whole number of at least 1, for example {args[i]} 10.");
                return 2;
            }

            switch (args[i])
            {
                case "--assets": assets = value; break;
                case "--rounds": rounds = value; break;
                case "--messages": messages = value; break;
                case "--repeats": repeats = value; break;
                default:
                    await Console.Error.WriteLineAsync($"Unknown option {args[i]}; use --assets, --rounds, --messages or --repeats.");
                    return 2;
            }
        }

        var units = CmapssReader.ReadUnits(Path.Combine(AppContext.BaseDirectory, "Datasets", "cmapss", "train_FD001.txt.gz"));
        Console.WriteLine($"bench estimator: {assets} assets, {BenchmarkSupport.DescribeMachine()}");
        MeasureEstimates(units, assets, rounds, "bench", "turbofan model, all 5 fold models", estimator => estimator is TurbofanEstimator);
        MeasureEstimates(units, assets, rounds, "demo", "turbofan model, 1 fold model (replayed units)", estimator => estimator is TurbofanEstimator);
        MeasureEstimates(units, assets, rounds, "bench", "generic method", estimator => estimator is GenericEstimator);
        await MeasureIngestAsync(units, assets, messages, repeats);
        return 0;
    }

    /// <summary>Times one method over <paramref name="rounds"/> new cycles of every asset, on the calling thread.</summary>
    private static void MeasureEstimates(IReadOnlyList<CmapssUnit> units, int assets, int rounds, string site, string label, Func<IAssetEstimator, bool> method)
    {
        var options = Options.Create(new EstimationOptions());
        IAssetEstimator[] estimators = [new TurbofanEstimator(options, NullLogger<TurbofanEstimator>.Instance), new GenericEstimator(options)];
        var estimator = estimators.Single(method);
        var histories = new AssetHistory[assets];
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        for (var i = 0; i < assets; i++)
        {
            histories[i] = new AssetHistory(options.Value.HistoryReadings, options.Value.Generic.BaselineReadings);
            for (var cycle = 0; cycle < StartCycle; cycle++)
            {
                histories[i].Add(Reading(units, i, site, cycle, start));
            }
        }

        long estimates = 0;
        var stopwatch = new Stopwatch();
        for (var round = 0; round <= rounds; round++)
        {
            // Round 0 warms up the JIT and the caches and is not timed.
            if (round == 1)
            {
                stopwatch.Start();
            }

            for (var i = 0; i < assets; i++)
            {
                histories[i].Add(Reading(units, i, site, StartCycle + round, start));
                if (estimator.Fits(histories[i]))
                {
                    estimator.Estimate(histories[i]);
                    estimates += round > 0 ? 1 : 0;
                }
            }
        }

        stopwatch.Stop();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {label}: {estimates:N0} estimates in {stopwatch.Elapsed.TotalSeconds:F2} s = {estimates / stopwatch.Elapsed.TotalSeconds:N0} per second on one core, {stopwatch.Elapsed.TotalMicroseconds / Math.Max(1, estimates):F0} µs each"));
    }

    /// <summary>Runs the app with the estimator off and on, alternating, and reports the median ingest rates and their ratio.</summary>
    private static async Task MeasureIngestAsync(IReadOnlyList<CmapssUnit> units, int assets, int count, int repeats)
    {
        var topics = new TopicNames("plant");
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        var messages = Enumerable.Range(0, count)
            .Select(i => Reading(units, i % assets, "bench", StartCycle + (i / assets), start))
            .Select(reading => (Topic: topics.Topic(reading.Asset, TopicKind.Telemetry), Payload: PayloadWriter.Telemetry(reading.Timestamp, reading.Values)))
            .ToArray();
        var off = new List<double>();
        var on = new List<double>();
        for (var repeat = 0; repeat < repeats; repeat++)
        {
            off.Add(await MeasureIngestOnceAsync(messages, estimation: false));
            on.Add(await MeasureIngestOnceAsync(messages, estimation: true));
        }

        var offMedian = BenchmarkSupport.Median(off);
        var onMedian = BenchmarkSupport.Median(on);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Ingest, median of {repeats}: estimator off {offMedian:N0} msg/s, estimator on {onMedian:N0} msg/s, ratio on/off {onMedian / offMedian:F2}"));
    }

    /// <summary>
    /// Publishes the telemetry to the app (embedded broker, no storage, no alerts) and returns the telemetry
    /// messages per second reaching the live state. With the estimator on, its health messages travel back
    /// through the same broker and ingest, as they do in production.
    /// </summary>
    private static async Task<double> MeasureIngestOnceAsync((string Topic, byte[] Payload)[] messages, bool estimation)
    {
        var port = BenchmarkSupport.FreeLoopbackPort();
        string[] arguments =
        [
            $"--urls=http://127.0.0.1:{BenchmarkSupport.FreeLoopbackPort()}",
            "--environment=Production",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore=Error",
            "--Logging:LogLevel:Dashboard.Security.Setup=Error",
            "--Replay:Enabled=false",
            "--Alerts:Enabled=false",
            "--Storage:Enabled=false",
            $"--Estimation:Enabled={estimation}",
            "--Mqtt:EmbeddedBroker:Enabled=true",
            $"--Mqtt:EmbeddedBroker:Port={port}",
            $"--Mqtt:ClientId=bench-ingest-{Guid.NewGuid():N}",
        ];
        await using var app = DashboardApp.Build(arguments);
        await app.StartAsync();
        try
        {
            var stats = app.Services.GetRequiredService<IngestStats>();
            await WaitUntilAsync(() => stats.ConnectionState == BrokerConnectionState.Connected, TimeSpan.FromSeconds(30), "the subscriber to connect");
            using var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId($"bench-publisher-{Guid.NewGuid():N}").Build());

            var stopwatch = Stopwatch.StartNew();
            foreach (var batch in messages.Chunk(500))
            {
                await Task.WhenAll(batch.Select(message => client.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic(message.Topic)
                    .WithPayload(message.Payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build())));
            }

            await WaitUntilAsync(() => stats.AcceptedTelemetry >= messages.Length, TimeSpan.FromMinutes(10), $"{messages.Length} messages to reach the live state");
            stopwatch.Stop();
            var rate = messages.Length / stopwatch.Elapsed.TotalSeconds;
            var estimates = estimation ? $", {app.Services.GetRequiredService<EstimatorService>().Estimates:N0} estimates published by then" : string.Empty;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  ingest with the estimator {(estimation ? "on " : "off")}: {messages.Length:N0} messages in {stopwatch.Elapsed.TotalSeconds:F2} s = {rate:N0} msg/s{estimates}"));
            await client.DisconnectAsync();
            return rate;
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static TelemetryReading Reading(IReadOnlyList<CmapssUnit> units, int asset, string site, int cycle, DateTimeOffset start)
    {
        var unit = units[asset % units.Count];
        var key = new AssetKey(site, site == "demo" ? ReplayPublisher.AssetId(unit.UnitNumber) : $"turbofan-{asset:0000}");
        return new TelemetryReading(key, start.AddSeconds(cycle), ReplayPublisher.Values(unit, cycle % unit.Cycles.Count));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}.");
            }

            await Task.Delay(5);
        }
    }
}
