using System.Diagnostics;
using System.Text;

namespace Dashboard.Tests.Infrastructure;

/// <summary>Exit code and output of a finished command.</summary>
public sealed record ProcessResult(int ExitCode, string Output);

/// <summary>
/// Runs short commands (initdb, pg_ctl, install) to completion and reports their output on failure.
/// </summary>
public static class ProcessRunner
{
    /// <summary>Runs a command and returns its exit code and combined stdout and stderr.</summary>
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timer = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(timer.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{Describe(fileName, info.ArgumentList)}' did not finish within {timeout}. Output:\n{Text(output)}");
        }

        return new ProcessResult(process.ExitCode, Text(output));
    }

    /// <summary>Runs a command and throws, with the command line and its output, unless it exits with 0.</summary>
    public static async Task<string> RunCheckedAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var argumentList = arguments.ToList();
        var result = await RunAsync(fileName, argumentList, timeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{Describe(fileName, argumentList)}' failed with exit code {result.ExitCode}. Output:\n{result.Output}");
        }

        return result.Output;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static string Describe(string fileName, IEnumerable<string> arguments) =>
        string.Join(' ', arguments.Prepend(fileName));
}
