using Dashboard.Cli;
using Dashboard.Tests.Estimation;

namespace Dashboard.Tests.Cli;

/// <summary>
/// <c>--help</c> of the long-running commands prints their usage and connects to nothing; before, the option
/// passed through as configuration and the command started publishing to localhost:1883.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class CommandHelpTests
{
    [Theory]
    [InlineData("replay", "--help")]
    [InlineData("replay", "-h")]
    [InlineData("estimator", "--help")]
    [InlineData("estimator", "--host", "broker.invalid", "--help")]
    public async Task Help_PrintsUsageAndExits(params string[] args)
    {
        var output = new StringWriter();
        var previousOut = Console.Out;
        Console.SetOut(output);
        int exitCode;
        try
        {
            var run = Commands.RunAsync(args);
            var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10)));
            Assert.Same(run, finished);
            exitCode = await run;
        }
        finally
        {
            Console.SetOut(previousOut);
        }

        Assert.Equal(0, exitCode);
        Assert.StartsWith($"Usage: dotnet run --project Dashboard -- {args[0]} [options]", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("--host HOST", output.ToString(), StringComparison.Ordinal);
    }
}
