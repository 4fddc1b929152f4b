using System.Globalization;

namespace Dashboard.Benchmarks;

/// <summary>Options of the <c>bench</c> command, parsed from its arguments.</summary>
public sealed record BenchmarkOptions
{
    /// <summary>Telemetry messages published per ingest run.</summary>
    public int Messages { get; init; } = 100_000;

    /// <summary>Assets the ingest messages are spread over, round robin.</summary>
    public int Assets { get; init; } = 100;

    /// <summary>Rounds of every variant; each variant's median is reported.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Days of 1 Hz history loaded for the history benchmark.</summary>
    public int Days { get; init; } = 30;

    /// <summary>Points requested from the downsampled history query.</summary>
    public int Points { get; init; } = 1000;

    /// <summary>Ingest variants to run, by letter; all by default. A subset is for profiling, not for ratios.</summary>
    public string Variants { get; init; } = "abcd";

    /// <summary>Mosquitto to run the ingest variants against as well, as host and port.</summary>
    public (string Host, int Port)? Mosquitto { get; init; }

    /// <summary>
    /// Connection string of a PostgreSQL server whose role may create databases; each run works in a new
    /// database that it drops at the end.
    /// </summary>
    public string? Postgres { get; init; }

    public const string Help =
        """
        Usage: dotnet run -c Release --project Dashboard -- bench ingest|history [options]
               dotnet run -c Release --project Dashboard -- bench alerts|estimator|wall|rul [their options]

          ingest    Publishes telemetry messages of 21 metrics at QoS 1 to an MQTTnet broker in this process
                    (and to Mosquitto with --mosquitto) and measures the rate at which they reach the live
                    state: a bare MQTTnet subscriber, the app without storage, with SQLite, and with
                    PostgreSQL (with --postgres). Storage variants also report the rate until every
                    message is stored and acknowledged.
          history   Loads days of 1 Hz readings of one metric into SQLite (and PostgreSQL with --postgres)
                    and times the downsampled history query against reading the raw rows.
          alerts    Rule evaluation rate and ingest with alert evaluation on and off (see BENCHMARKS.md).
          estimator Estimates per second on one core and ingest with the estimator on and off.
          wall      Server memory and render rate per open wall display.
          rul       Single-thread cost of one turbofan RUL estimate.

        Options:
          --messages N          messages per ingest run (default 100000)
          --assets N            assets the messages are spread over (default 100)
          --rounds N            rounds of every variant; the median is reported (default 3)
          --days N              days of 1 Hz history to load (default 30)
          --points N            points of the downsampled history query (default 1000)
          --only LETTERS        run only these ingest variants, such as 'b' to profile one (default abcd;
                                ratios need a and b)
          --mosquitto HOST:PORT also run the ingest variants against this Mosquitto; it must queue at
                                least --messages messages for an offline client (max_queued_messages 0)
          --postgres "CONN"     Npgsql connection string of a server where the role may create
                                databases; each run uses a new database and drops it afterwards
        """;

    /// <summary>Parses the options after the benchmark name; throws <see cref="ArgumentException"/> with the fix.</summary>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"Option {name} needs a value. Run 'bench --help' for the options.");
            }

            var value = args[++i];
            options = name switch
            {
                "--messages" => options with { Messages = PositiveInteger(name, value) },
                "--assets" => options with { Assets = PositiveInteger(name, value) },
                "--rounds" => options with { Rounds = PositiveInteger(name, value) },
                "--days" => options with { Days = PositiveInteger(name, value) },
                "--points" => options with { Points = PositiveInteger(name, value) },
                "--mosquitto" => options with { Mosquitto = Endpoint(name, value) },
                "--postgres" => options with { Postgres = value },
                "--only" => options with { Variants = Letters(name, value) },
                _ => throw new ArgumentException($"Unknown option '{name}'. Run 'bench --help' for the options."),
            };
        }

        return options;
    }

    private static int PositiveInteger(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{name} must be a positive whole number, but is '{value}'.");

    private static string Letters(string name, string value) =>
        value.Length > 0 && value.All(letter => letter is >= 'a' and <= 'd')
            ? value
            : throw new ArgumentException($"{name} must be letters from a to d, such as 'ab', but is '{value}'.");

    private static (string Host, int Port) Endpoint(string name, string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"{name} must be HOST:PORT, such as 127.0.0.1:1883, but is '{value}'.");
        }

        return (value[..colon], port);
    }
}
