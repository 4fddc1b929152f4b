using Dashboard.Benchmarks;
using Dashboard.Estimation;
using Dashboard.Mqtt;
using Dashboard.Replay;
using Dashboard.Telemetry;

namespace Dashboard.Cli;

/// <summary>
/// Commands that run one part of the product on its own instead of the web app:
/// <c>replay</c> publishes the demo engines to any broker, <c>estimator</c> runs the built-in estimator
/// without the web UI. The RUL commands train and measure the turbofan model, and <c>bench</c> runs the
/// benchmarks that BENCHMARKS.md reports.
/// </summary>
public static class Commands
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Handlers = new(StringComparer.Ordinal)
    {
        ["replay"] = RunReplayAsync,
        ["estimator"] = RunEstimatorAsync,
        ["train-rul"] = args => Task.FromResult(RulCommands.Run("train-rul", args)),
        ["evaluate-rul"] = args => Task.FromResult(RulCommands.Run("evaluate-rul", args)),
        ["report-rul"] = args => Task.FromResult(RulCommands.Run("report-rul", args)),
        ["bench"] = BenchmarkCommand.RunAsync,
    };

    private const string BrokerOptions = """
          --host HOST          broker host name or address (default localhost)
          --port PORT          broker TCP port (default 1883)
          --username NAME      user name, if the broker requires one
          --password SECRET    password, if the broker requires one
          --prefix PREFIX      topic prefix (default plant)
          --Key=value          any other configuration key, such as --Mqtt:Tls:Enabled=true
        """;

    private const string ReplayUsage = $"""
        Usage: dotnet run --project Dashboard -- replay [options]
        Publishes the NASA C-MAPSS FD001 training engines as telemetry to an MQTT broker, one cycle per
        Replay:Interval (default 00:00:01), as site Replay:Site (default demo), until stopped with Ctrl+C.
        A dashboard that replays the same site itself shows both streams mixed: give this replay another
        site (--Replay:Site=demo2) or run the dashboard with --Replay:Enabled=false.
        Options:
        {BrokerOptions}
        """;

    private const string EstimatorUsage = $"""
        Usage: dotnet run --project Dashboard -- estimator [options]
        Runs the built-in estimator without the web UI: it subscribes to telemetry through the shared
        subscription group estimators, so several instances split the assets, and publishes health and RUL
        to the health topic. Runs until stopped with Ctrl+C.
        Options:
        {BrokerOptions}
        """;

    public static bool IsCommand(string[] args) => args.Length > 0 && Handlers.ContainsKey(args[0]);

    public static Task<int> RunAsync(string[] args) => Handlers[args[0]](args[1..]);

    /// <summary>
    /// Maps the short options <c>--host</c>, <c>--port</c>, <c>--username</c>, <c>--password</c> and
    /// <c>--prefix</c> to their configuration keys and disables the embedded broker, so a command talks to
    /// the broker it is given; other arguments pass through as configuration (<c>--Key=value</c>).
    /// </summary>
    public static string[] BrokerArguments(string[] args)
    {
        var mapped = new List<string> { "--Mqtt:EmbeddedBroker:Enabled=false" };
        for (var i = 0; i < args.Length; i++)
        {
            var key = args[i] switch
            {
                "--host" => "Mqtt:Host",
                "--port" => "Mqtt:Port",
                "--username" => "Mqtt:Username",
                "--password" => "Mqtt:Password",
                "--prefix" => "Mqtt:TopicPrefix",
                _ => null,
            };

            if (key is null)
            {
                mapped.Add(args[i]);
            }
            else if (i + 1 < args.Length)
            {
                mapped.Add($"--{key}={args[++i]}");
            }
            else
            {
                throw new ArgumentException($"Option {args[i]} needs a value, for example {args[i]} {(args[i] == "--port" ? "1883" : "localhost")}.");
            }
        }

        return mapped.ToArray();
    }

    /// <summary>
    /// Runs the estimator alone: it subscribes to telemetry through the shared subscription group
    /// <c>estimators</c> (so several instances split the assets) and publishes estimates to the health topic.
    /// </summary>
    private static async Task<int> RunEstimatorAsync(string[] args)
    {
        if (IsHelp(args))
        {
            Console.WriteLine(EstimatorUsage);
            return 0;
        }

        string[] defaults =
        [
            "--Mqtt:PersistentSession=false",
            "--Mqtt:SharedSubscriptionGroup=estimators",
            $"--Mqtt:ClientId=dashboard-estimator-{Guid.NewGuid():N}",
            "--Estimation:Enabled=true",
        ];
        var builder = Host.CreateApplicationBuilder([.. defaults, .. BrokerArguments(args)]);
        builder.AddMqttIngest(new IngestTopics([TopicKind.Telemetry]));
        builder.AddLiveTelemetry();
        builder.AddEstimation();
        await builder.Build().RunAsync();
        return 0;
    }

    private static async Task<int> RunReplayAsync(string[] args)
    {
        if (IsHelp(args))
        {
            Console.WriteLine(ReplayUsage);
            return 0;
        }

        // A client id of its own, so this replay and the one inside a running dashboard do not take each
        // other's connection over again and again.
        string[] defaults = [$"--Replay:ClientId=dashboard-replay-{Guid.NewGuid():N}"];
        var builder = Host.CreateApplicationBuilder([.. defaults, .. BrokerArguments(args)]);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<MqttOptions>().Bind(builder.Configuration.GetSection(MqttOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<MqttOptions>, MqttOptionsValidator>();
        builder.Configuration["Replay:Enabled"] = "true";
        builder.AddReplay();
        await builder.Build().RunAsync();
        return 0;
    }

    private static bool IsHelp(string[] args) => args.Any(arg => arg is "--help" or "-h" or "-?");
}
