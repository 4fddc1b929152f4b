namespace Dashboard.Benchmarks;

/// <summary>
/// The <c>bench</c> command: <c>bench ingest</c>, <c>history</c>, <c>alerts</c>, <c>estimator</c>,
/// <c>wall</c> and <c>rul</c> measure variants side by side in one run and print their ratios. The test
/// suite never runs it.
/// </summary>
public static class BenchmarkCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(BenchmarkOptions.Help);
            return args.Length == 0 ? 2 : 0;
        }

        // These benchmarks read their own options.
        switch (args[0])
        {
            case "alerts":
                return await AlertBenchmark.RunAsync(args[1..]);
            case "wall":
                return await WallBenchmark.RunAsync(args[1..]);
            case "estimator":
                return await EstimatorBenchmark.RunAsync(args[1..]);
            case "rul":
                return Cli.RulCommands.Run("bench-rul", args[1..]);
        }

        BenchmarkOptions options;
        try
        {
            options = BenchmarkOptions.Parse(args[1..]);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        switch (args[0])
        {
            case "ingest":
                return await new IngestBenchmark(options).RunAsync();
            case "history":
                return await new HistoryBenchmark(options).RunAsync();
            default:
                Console.Error.WriteLine($"Unknown benchmark '{args[0]}'; expected ingest, history, alerts, estimator, wall or rul. Run 'bench --help' for the options.");
                return 2;
        }
    }
}
