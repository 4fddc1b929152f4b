using Dashboard.Mqtt;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Tests.Mqtt;

public sealed class RejectionLoggerTests
{
    [Fact]
    public void Log_RateLimitsAndCountsSuppressed()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var logs = new InMemoryLoggerProvider();
        var logger = new RejectionLogger(
            new Logger<RejectionLogger>(new LoggerFactory([logs])),
            Options.Create(new IngestOptions { RejectionLogInterval = TimeSpan.FromSeconds(10) }),
            time);
        var message = new RejectedMessage(time.GetUtcNow(), "plant/s/a/telemetry", RejectReason.InvalidJson, "bad", "{");

        for (var i = 0; i < 100; i++)
        {
            logger.Log(message);
        }

        time.Advance(TimeSpan.FromSeconds(10));
        logger.Log(message);

        var lines = logs.Lines.Where(line => line.EventId.Id == 1100).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains("plant/s/a/telemetry", lines[0].Message, StringComparison.Ordinal);
        Assert.Contains("0 more rejections", lines[0].Message, StringComparison.Ordinal);
        Assert.Contains("99 more rejections", lines[1].Message, StringComparison.Ordinal);
        Assert.All(lines, line => Assert.Equal(LogLevel.Warning, line.Level));
    }
}
