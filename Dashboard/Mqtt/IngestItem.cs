namespace Dashboard.Mqtt;

/// <summary>
/// One received message on its way from the MQTT handler to the consumers: the parse result and the
/// acknowledgement to send once the message is stored. Rejected messages travel too, so that
/// acknowledgements leave in the order the messages arrived.
/// </summary>
public readonly record struct IngestItem(ParseResult Result, MessageAck? Ack, DateTimeOffset ReceivedAt);

/// <summary>
/// Where the ingest consumer hands each message after updating the live state. The sink owns the
/// acknowledgement: it acknowledges a message once the message is stored, in the order it was handed over,
/// unless it declares <see cref="AcknowledgesOnReceipt"/>.
/// </summary>
public interface IIngestSink
{
    /// <summary>
    /// Whether the MQTT client may acknowledge each message as soon as it is received, because the sink keeps
    /// nothing that outlives the process. The items it gets then carry no <see cref="IngestItem.Ack"/>.
    /// </summary>
    bool AcknowledgesOnReceipt => false;

    ValueTask WriteAsync(IngestItem item, CancellationToken cancellationToken);
}
