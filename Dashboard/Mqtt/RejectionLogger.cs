using Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Mqtt;

/// <summary>
/// Logs rejected messages at most once per <see cref="IngestOptions.RejectionLogInterval"/>, counting the
/// rejections it did not log, so a misbehaving publisher cannot flood the log.
/// </summary>
public sealed class RejectionLogger(ILogger<RejectionLogger> logger, IOptions<IngestOptions> options, TimeProvider time)
{
    private readonly long _intervalTicks = options.Value.RejectionLogInterval.Ticks;
    private long _nextLogTicks;
    private long _suppressed;

    public void Log(RejectedMessage message)
    {
        var now = time.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref _nextLogTicks);
        if (now < next || Interlocked.CompareExchange(ref _nextLogTicks, now + _intervalTicks, next) != next)
        {
            Interlocked.Increment(ref _suppressed);
            return;
        }

        var suppressed = Interlocked.Exchange(ref _suppressed, 0);
        LogMessages.MessageRejected(logger, message.Topic, message.Reason, message.Detail, suppressed);
    }
}
