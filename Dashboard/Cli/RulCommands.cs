using System.Diagnostics;
using System.Globalization;
using Dashboard.Estimation.Turbofan;

namespace Dashboard.Cli;

/// <summary>
/// Commands for the turbofan RUL model: <c>train-rul</c>, <c>evaluate-rul</c>, <c>report-rul</c> and
/// <c>bench-rul</c>. Paths default to the data and model that ship with the app.
/// </summary>
public static class RulCommands
{
    private const string Usage = """
        Usage (after `dotnet run --project Dashboard --`):
          train-rul [--data DIR] [--out MODEL.zip] [options]
              Trains on DIR/train_FD001..FD004 (.txt or .txt.gz) and writes one model file. DIR defaults to the
              C-MAPSS files that ship with the app, MODEL.zip to the model file in the source tree
              (Dashboard/Estimation/Models/cmapss-lightgbm-v1.zip) when run from the repository.
              --train FILE         training file, repeatable. Replaces --data.
              --seed N             seed of LightGBM, the late-start rows and the CV truncation draws (default 1)
              --folds N            cross-fitting folds (default 5)
              --window N           feature window length in cycles (default 130)
              --span N             span of the exponentially weighted mean in cycles (default 10)
              --short-window N     length in cycles of the second, shorter slope (default 30)
              --components N       principal components of the sensor z-scores used as features (default 2)
              --min-cycles N       fewest readings in the window for an estimate (default 5)
              --iterations N       boosting iterations per fold model (default 500)
              --learning-rate X    LightGBM learning rate (default 0.05)
              --leaves N           LightGBM leaves per tree (default 31)
              --min-leaf N         LightGBM minimum rows per leaf (default 50)
              --stride N           train on every N-th cut point of each unit (default 1)
              --late-start 0|1     add rows whose history starts inside the window (default 1)
              --calibration-max-rul X  largest true RUL in cycles of the interval calibration points (default 150)
          evaluate-rul --test test_FD001.txt --truth RUL_FD001.txt [--model MODEL.zip]
              Prints one line: RMSE=<x> Score=<y> Coverage80=<z> Units=<n>, with RMSE in cycles against
              the uncapped truth. The RMSE against the capped truth goes to standard error.
          report-rul [--model MODEL.zip]
              Prints the cross-validation metrics stored in the model file.
          bench rul [--model MODEL.zip] [--test test_FD001.txt] [--calls N]
              Measures the single-thread cost in microseconds of one estimate with all fold models, with one fold
              model (an excluded FD001 unit) and of the feature vector alone, cycling through the test units.
        """;

    /// <summary>File name of the shipped model.</summary>
    public const string ModelFileName = "cmapss-lightgbm-v1.zip";

    /// <summary>Runs <paramref name="command"/> (train-rul, evaluate-rul, report-rul or bench-rul) with its arguments.</summary>
    public static int Run(string command, string[] args)
    {
        if (args.Length > 0 && args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return 0;
        }

        try
        {
            var options = ParseOptions(args);
            return command switch
            {
                "train-rul" => Train(options),
                "evaluate-rul" => Evaluate(options),
                "report-rul" => Report(options),
                "bench-rul" => Bench(options),
                _ => throw new UsageException($"Unknown command '{command}'. Expected train-rul, evaluate-rul, report-rul or bench-rul."),
            };
        }
        catch (UsageException exception)
        {
            Console.Error.WriteLine(exception.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
        catch (Exception exception) when (exception is IOException
            or InvalidDataException
            or ArgumentException
            or UnauthorizedAccessException
            or NotSupportedException
            or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"Failed: {exception.Message}");
            return 1;
        }
    }

    private static int Train(Dictionary<string, List<string>> options)
    {
        var files = options.TryGetValue("train", out var trainFiles) ? trainFiles : FindTrainingFiles(Optional(options, "data") ?? ShippedDataDirectory);
        var defaults = new RulTrainingOptions();
        var trainingOptions = defaults with
        {
            Seed = Integer(options, "seed", defaults.Seed),
            FoldCount = Integer(options, "folds", defaults.FoldCount),
            WindowLength = Integer(options, "window", defaults.WindowLength),
            SmoothingSpan = Integer(options, "span", defaults.SmoothingSpan),
            ShortWindowLength = Integer(options, "short-window", defaults.ShortWindowLength),
            ComponentCount = Integer(options, "components", defaults.ComponentCount),
            MinimumCycles = Integer(options, "min-cycles", defaults.MinimumCycles),
            Iterations = Integer(options, "iterations", defaults.Iterations),
            LearningRate = Number(options, "learning-rate", defaults.LearningRate),
            Leaves = Integer(options, "leaves", defaults.Leaves),
            MinimumExamplesPerLeaf = Integer(options, "min-leaf", defaults.MinimumExamplesPerLeaf),
            RowStride = Integer(options, "stride", defaults.RowStride),
            LateStartRows = Integer(options, "late-start", defaults.LateStartRows ? 1 : 0) != 0,
            CalibrationMaxRul = Number(options, "calibration-max-rul", defaults.CalibrationMaxRul),
        };

        var output = Optional(options, "out") ?? SourceModelPath();
        Console.Error.WriteLine($"Training on {string.Join(", ", files)}; the model goes to {output}.");
        RulTrainer.Train(files, output, trainingOptions, new SynchronousProgress(Console.Error));
        return 0;
    }

    private static int Evaluate(Dictionary<string, List<string>> options)
    {
        var model = TurbofanRulModel.Load(Optional(options, "model") ?? ShippedModelPath);
        var result = RulEvaluator.Evaluate(model, Required(options, "test"), Required(options, "truth"));
        if (result.Unestimated > 0)
        {
            Console.Error.WriteLine($"{result.Unestimated} units had fewer than {model.MinimumCycles} cycles and were scored as estimate 0.");
        }

        Console.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"RMSE against the true RUL capped at {model.Description.CapCycles} cycles: {result.RmseCappedTruth:F2}"));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"RMSE={result.Rmse:F2} Score={result.Score:F1} Coverage80={result.Coverage80:F3} Units={result.Units}"));
        return 0;
    }

    private static int Report(Dictionary<string, List<string>> options)
    {
        var model = TurbofanRulModel.Load(Optional(options, "model") ?? ShippedModelPath);
        var report = model.Description.Report;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model={model.ModelName} cut_points={report.CutPoints}"));
        foreach (var (dataset, metrics) in report.CrossValidation)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{dataset} units={metrics.Units} rmse_all_cycles={metrics.RmseAllCycles:F2} truncation_points={metrics.TruncationPoints} " +
                $"rmse_truncated={metrics.RmseTruncated:F2} rmse_truncated_capped={metrics.RmseTruncatedCapped:F2} " +
                $"score_per_100_units={metrics.ScorePer100Units:F0} coverage80={metrics.Coverage80:F3} " +
                $"coverage80_max_rul_125={metrics.Coverage80MaxRul125:F3} coverage80_max_rul_200={metrics.Coverage80MaxRul200:F3}"));
        }

        return 0;
    }

    private static int Bench(Dictionary<string, List<string>> options)
    {
        var model = TurbofanRulModel.Load(Optional(options, "model") ?? ShippedModelPath);
        var units = CmapssReader.ReadUnits(Optional(options, "test") ?? Path.Combine(ShippedDataDirectory, "test_FD001.txt.gz"));
        var calls = Integer(options, "calls", 100_000);
        var histories = units.Select(u => u.Cycles).ToArray();

        var checksum = 0.0;
        for (var i = 0; i < 2_000; i++)
        {
            checksum += model.Estimate(histories[i % histories.Length])?.Value ?? 0;
        }

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            checksum += model.Estimate(histories[i % histories.Length])?.Value ?? 0;
        }

        stopwatch.Stop();
        var excludedStopwatch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            checksum += model.Estimate(histories[i % histories.Length], excludeFd001Unit: (i % 100) + 1)?.Value ?? 0;
        }

        excludedStopwatch.Stop();
        var features = new float[model.Features.FeatureCount];
        var featureStopwatch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            model.Features.Compute(histories[i % histories.Length], features);
            checksum += features[0];
        }

        featureStopwatch.Stop();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"calls={calls} all_folds_us={stopwatch.Elapsed.TotalMicroseconds / calls:F2} one_fold_us={excludedStopwatch.Elapsed.TotalMicroseconds / calls:F2} " +
            $"features_only_us={featureStopwatch.Elapsed.TotalMicroseconds / calls:F2} checksum={checksum:F0}"));
        return 0;
    }

    private static List<string> FindTrainingFiles(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Data directory not found: {directory}");
        }

        var files = new List<string>();
        foreach (var dataset in new[] { "FD001", "FD002", "FD003", "FD004" })
        {
            var plain = Path.Combine(directory, $"train_{dataset}.txt");
            var compressed = plain + ".gz";
            if (File.Exists(plain))
            {
                files.Add(plain);
            }
            else if (File.Exists(compressed))
            {
                files.Add(compressed);
            }
            else
            {
                throw new FileNotFoundException($"Training file not found: {plain} or {compressed}");
            }
        }

        return files;
    }

    private static Dictionary<string, List<string>> ParseOptions(ReadOnlySpan<string> args)
    {
        var options = new Dictionary<string, List<string>>();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new UsageException($"Expected '--name value' but got '{args[i]}'.");
            }

            var name = args[i][2..];
            if (!options.TryGetValue(name, out var values))
            {
                values = [];
                options[name] = values;
            }

            values.Add(args[i + 1]);
        }

        return options;
    }

    /// <summary>Folder of the C-MAPSS files copied next to the app.</summary>
    public static string ShippedDataDirectory => Path.Combine(AppContext.BaseDirectory, "Datasets", "cmapss");

    /// <summary>The model file the app loads by default, copied next to the app.</summary>
    public static string ShippedModelPath => Path.Combine(AppContext.BaseDirectory, "Estimation", "Models", ModelFileName);

    /// <summary>
    /// Returns where the model file lives in the source tree, so a run from the repository root or the project
    /// folder replaces the file that ships; elsewhere, the copy next to the app.
    /// </summary>
    private static string SourceModelPath()
    {
        foreach (var project in new[] { Path.Combine(Environment.CurrentDirectory, "Dashboard"), Environment.CurrentDirectory })
        {
            if (File.Exists(Path.Combine(project, "Dashboard.csproj")))
            {
                return Path.Combine(project, "Estimation", "Models", ModelFileName);
            }
        }

        return ShippedModelPath;
    }

    private static string? Optional(Dictionary<string, List<string>> options, string name) =>
        options.TryGetValue(name, out var values) ? InputPath(values[^1]) : null;

    /// <summary>
    /// Resolves a relative path. <c>dotnet run --project Dashboard</c> starts the app in the project folder, so a
    /// path given relative to the repository root is looked up there too.
    /// </summary>
    private static string InputPath(string path)
    {
        if (Path.IsPathRooted(path) || File.Exists(path) || Directory.Exists(path))
        {
            return path;
        }

        var parent = Directory.GetParent(Environment.CurrentDirectory)?.FullName;
        var fromParent = parent is null ? null : Path.Combine(parent, path);
        return fromParent is not null && (File.Exists(fromParent) || Directory.Exists(fromParent)) ? fromParent : path;
    }

    private static string Required(Dictionary<string, List<string>> options, string name)
    {
        return options.TryGetValue(name, out var values) ? InputPath(values[^1]) : throw new UsageException($"Missing option --{name}.");
    }

    private static int Integer(Dictionary<string, List<string>> options, string name, int defaultValue)
    {
        if (!options.TryGetValue(name, out var values))
        {
            return defaultValue;
        }

        return int.TryParse(values[^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"Option --{name} must be an integer but was '{values[^1]}'.");
    }

    private static double Number(Dictionary<string, List<string>> options, string name, double defaultValue)
    {
        if (!options.TryGetValue(name, out var values))
        {
            return defaultValue;
        }

        return double.TryParse(values[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"Option --{name} must be a number but was '{values[^1]}'.");
    }

    /// <summary>Progress reporter that writes each message at once on the calling thread.</summary>
    private sealed class SynchronousProgress(TextWriter writer) : IProgress<string>
    {
        public void Report(string value) => writer.WriteLine(value);
    }

    private sealed class UsageException(string message) : Exception(message);
}
