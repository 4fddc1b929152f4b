using System.Globalization;
using System.Text.RegularExpressions;
using Dashboard.Cli;
using Dashboard.Tests.Estimation.Turbofan;

namespace Dashboard.Tests.Estimation;

/// <summary>The <c>evaluate-rul</c> command with the shipped model on the FD001 test set.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class RulCommandsTests
{
    [Fact]
    public void EvaluateRul_Fd001_MeetsAccuracyTargets()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var previousOut = Console.Out;
        var previousError = Console.Error;
        Console.SetOut(output);
        Console.SetError(error);
        int exitCode;
        try
        {
            exitCode = RulCommands.Run("evaluate-rul", ["--test", TestData.FileOf("test_FD001"), "--truth", TestData.FileOf("RUL_FD001"), "--model", TestData.ModelPath]);
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }

        Assert.Equal(0, exitCode);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        var match = ResultLine().Match(line.TrimEnd('\r'));
        Assert.True(match.Success, $"unexpected output line '{line}'");
        var rmse = double.Parse(match.Groups["rmse"].Value, CultureInfo.InvariantCulture);
        var coverage = double.Parse(match.Groups["coverage"].Value, CultureInfo.InvariantCulture);
        Assert.True(rmse <= 13, $"FD001 RMSE {rmse} is above the target of 13");
        Assert.InRange(coverage, 0.75, 0.85);
        Assert.Equal("100", match.Groups["units"].Value);
    }

    [Fact]
    public void EvaluateRul_MissingTruth_FailsWithUsage()
    {
        var error = new StringWriter();
        var previousError = Console.Error;
        Console.SetError(error);
        int exitCode;
        try
        {
            exitCode = RulCommands.Run("evaluate-rul", ["--test", TestData.FileOf("test_FD001")]);
        }
        finally
        {
            Console.SetError(previousError);
        }

        Assert.Equal(2, exitCode);
        Assert.Contains("--truth", error.ToString());
    }

    [GeneratedRegex(@"^RMSE=(?<rmse>\d+\.\d+) Score=(?<score>\d+\.\d) Coverage80=(?<coverage>\d\.\d{3}) Units=(?<units>\d+)$")]
    private static partial Regex ResultLine();
}

/// <summary>Tests that redirect the process's console run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}
