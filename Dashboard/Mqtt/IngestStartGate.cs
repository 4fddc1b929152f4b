namespace Dashboard.Mqtt;

/// <summary>
/// A task the ingest subscriber waits for, after the app has started, before it connects to the broker.
/// Without one registered, the subscriber connects as soon as the app has started. The ingest benchmark
/// registers one so that the app's start-up work is over before the queued messages flow.
/// </summary>
public sealed class IngestStartGate(Task opened)
{
    public Task Opened => opened;
}
