using System.Text;
using Microsoft.Extensions.Options;

namespace Dashboard.Mqtt;

/// <summary>
/// A rejected message kept for inspection, with its payload cut to <see cref="IngestStats.MaxPayloadShown"/> characters.
/// </summary>
public sealed record RejectedMessage(DateTimeOffset ReceivedAt, string Topic, RejectReason Reason, string Detail, string Payload);

/// <summary>
/// State of the connection to the broker, as the Diagnostics page shows it.
/// </summary>
public enum BrokerConnectionState
{
    Connecting,
    Connected,
    Disconnected,
}

/// <summary>
/// Counters of the ingest path: received, accepted and rejected messages by reason, dropped single values,
/// the last rejected messages, the receive rate and the broker connection state. Thread-safe.
/// </summary>
public sealed class IngestStats
{
    public const int MaxPayloadShown = 512;
    private const int RateWindowSeconds = 10;

    private readonly TimeProvider _time;
    private readonly long[] _rejected = new long[Enum.GetValues<RejectReason>().Length];
    private readonly Queue<RejectedMessage> _lastRejected = new();
    private readonly int _rejectedKept;
    private readonly Lock _rejectedLock = new();
    // The receive counts of the last seconds: slot i counts second _slotSecond[i], which is i modulo the window.
    private readonly long[] _perSecond = new long[RateWindowSeconds];
    private readonly long[] _slotSecond = new long[RateWindowSeconds];
    private long _received;
    private long _acceptedTelemetry;
    private long _acceptedHealth;
    private long _droppedValues;
    private long _reconnects;
    private bool _everConnected;

    public IngestStats(TimeProvider time, IOptions<IngestOptions> options)
    {
        _time = time;
        _rejectedKept = options.Value.RejectedMessagesKept;
    }

    public long Received => Interlocked.Read(ref _received);

    public long AcceptedTelemetry => Interlocked.Read(ref _acceptedTelemetry);

    public long AcceptedHealth => Interlocked.Read(ref _acceptedHealth);

    public long Accepted => AcceptedTelemetry + AcceptedHealth;

    public long DroppedValues => Interlocked.Read(ref _droppedValues);

    public long Reconnects => Interlocked.Read(ref _reconnects);

    public long RejectedTotal => Enum.GetValues<RejectReason>().Sum(Rejected);

    public BrokerConnectionState ConnectionState { get; private set; } = BrokerConnectionState.Connecting;

    public string? Broker { get; private set; }

    public DateTimeOffset? ConnectionChangedAt { get; private set; }

    public string? LastConnectionError { get; private set; }

    public long Rejected(RejectReason reason) => Interlocked.Read(ref _rejected[(int)reason]);

    public IReadOnlyDictionary<RejectReason, long> RejectedByReason() =>
        Enum.GetValues<RejectReason>().ToDictionary(reason => reason, Rejected);

    public IReadOnlyList<RejectedMessage> LastRejected()
    {
        lock (_rejectedLock)
        {
            return _lastRejected.Reverse().ToArray();
        }
    }

    /// <summary>Messages received per second, averaged over the last complete seconds.</summary>
    public double MessagesPerSecond()
    {
        var now = CurrentSecond();
        long sum = 0;
        for (var second = now - RateWindowSeconds + 1; second < now; second++)
        {
            var slot = Slot(second);
            if (Volatile.Read(ref _slotSecond[slot]) == second)
            {
                sum += Interlocked.Read(ref _perSecond[slot]);
            }
        }

        return sum / (double)(RateWindowSeconds - 1);
    }

    public void RecordReceived() => RecordReceived(_time.GetUtcNow());

    /// <summary>Counts one received message; lock-free except once per second, when a slot starts a new second.</summary>
    public void RecordReceived(DateTimeOffset receivedAt)
    {
        Interlocked.Increment(ref _received);
        var second = receivedAt.ToUnixTimeSeconds();
        var slot = Slot(second);
        if (Volatile.Read(ref _slotSecond[slot]) != second)
        {
            lock (_perSecond)
            {
                if (_slotSecond[slot] < second)
                {
                    _perSecond[slot] = 0;
                    Volatile.Write(ref _slotSecond[slot], second);
                }
                else if (_slotSecond[slot] > second)
                {
                    // A receive time from a second that has already left the window (a clock step back).
                    return;
                }
            }
        }

        Interlocked.Increment(ref _perSecond[slot]);
    }

    public void RecordAccepted(in ParseResult result)
    {
        if (result.Reading is not null)
        {
            Interlocked.Increment(ref _acceptedTelemetry);
        }
        else
        {
            Interlocked.Increment(ref _acceptedHealth);
        }

        if (result.DroppedValues > 0)
        {
            Interlocked.Add(ref _droppedValues, result.DroppedValues);
        }
    }

    public RejectedMessage RecordRejected(string topic, RejectReason reason, string detail, ReadOnlySpan<byte> payload)
    {
        Interlocked.Increment(ref _rejected[(int)reason]);
        var shown = Encoding.UTF8.GetString(payload[..Math.Min(payload.Length, MaxPayloadShown * 4)]);
        if (shown.Length > MaxPayloadShown)
        {
            shown = string.Concat(shown.AsSpan(0, MaxPayloadShown), "…");
        }

        var rejected = new RejectedMessage(_time.GetUtcNow(), topic, reason, detail, shown);
        if (_rejectedKept > 0)
        {
            lock (_rejectedLock)
            {
                _lastRejected.Enqueue(rejected);
                while (_lastRejected.Count > _rejectedKept)
                {
                    _lastRejected.Dequeue();
                }
            }
        }

        return rejected;
    }

    public void SetConnection(BrokerConnectionState state, string broker, string? error = null)
    {
        if (state == BrokerConnectionState.Connected)
        {
            if (_everConnected)
            {
                Interlocked.Increment(ref _reconnects);
            }

            _everConnected = true;
        }

        ConnectionState = state;
        Broker = broker;
        LastConnectionError = error ?? LastConnectionError;
        ConnectionChangedAt = _time.GetUtcNow();
    }

    private long CurrentSecond() => _time.GetUtcNow().ToUnixTimeSeconds();

    private static int Slot(long second) => (int)(((second % RateWindowSeconds) + RateWindowSeconds) % RateWindowSeconds);
}
