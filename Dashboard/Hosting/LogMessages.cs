using Dashboard.Alerts;
using Dashboard.Mqtt;

namespace Dashboard.Hosting;

/// <summary>
/// Log messages of the app, one method per event. Event ids are grouped by area: 1000 MQTT, 1100 ingest,
/// 2000 storage, 3000 estimation, 4000 alerts, 5000 security, 6000 replay.
/// </summary>
internal static partial class LogMessages
{
    [LoggerMessage(1000, LogLevel.Information, "MQTT client {Name} connected to {Broker} (session present: {SessionPresent})")]
    public static partial void MqttConnected(ILogger logger, string name, string broker, bool sessionPresent);

    [LoggerMessage(1001, LogLevel.Warning, "MQTT client {Name} lost its connection to {Broker}; reconnecting")]
    public static partial void MqttDisconnected(ILogger logger, string name, string broker);

    [LoggerMessage(1002, LogLevel.Warning, "MQTT client {Name} could not connect to {Broker} (attempt {Attempt}); retrying in {Delay}")]
    public static partial void MqttConnectFailed(ILogger logger, Exception exception, string name, string broker, int attempt, TimeSpan delay);

    [LoggerMessage(1003, LogLevel.Debug, "MQTT client {Name} did not disconnect cleanly")]
    public static partial void MqttDisconnectFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(1004, LogLevel.Information, "MQTT client {Name} subscribed to {TopicFilters}")]
    public static partial void MqttSubscribed(ILogger logger, string name, string topicFilters);

    [LoggerMessage(1006, LogLevel.Warning, "The broker does not support shared subscriptions; subscribing without group {Group}, so every instance receives every message")]
    public static partial void SharedSubscriptionsUnavailable(ILogger logger, string group);

    [LoggerMessage(1005, LogLevel.Warning, "Publishing {Messages} messages failed, the first to {Topic}; they are sent again once the broker is reachable")]
    public static partial void PublishFailed(ILogger logger, Exception exception, int messages, string topic);

    [LoggerMessage(1010, LogLevel.Information, "Embedded MQTT broker listening on {Address}:{Port}")]
    public static partial void EmbeddedBrokerStarted(ILogger logger, string address, int port);

    [LoggerMessage(1011, LogLevel.Warning, "Embedded MQTT broker dropped a message for client {ClientId} on {Topic}: its queue is full (Mqtt:EmbeddedBroker:MaxPendingMessagesPerClient)")]
    public static partial void EmbeddedBrokerDropped(ILogger logger, string clientId, string topic);

    [LoggerMessage(1100, LogLevel.Warning, "Rejected MQTT message on {Topic}: {Reason}: {Detail} ({Suppressed} more rejections since the last log line)")]
    public static partial void MessageRejected(ILogger logger, string topic, RejectReason reason, string detail, long suppressed);

    [LoggerMessage(1101, LogLevel.Error, "Ingest consumer failed on a message from {Asset}; the message is skipped")]
    public static partial void IngestConsumerFailed(ILogger logger, Exception exception, string asset);

    [LoggerMessage(6000, LogLevel.Information, "Replaying {Units} C-MAPSS units from {Path} every {Interval} to {Broker}")]
    public static partial void ReplayStarted(ILogger logger, int units, string path, TimeSpan interval, string broker);

    [LoggerMessage(6001, LogLevel.Error, "Replay data file {Path} was not found; set Replay:DataFile or Replay:Enabled=false")]
    public static partial void ReplayFileMissing(ILogger logger, string path);

    [LoggerMessage(6002, LogLevel.Warning, "Replay could not publish a cycle; it continues with the next one")]
    public static partial void ReplayPublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(2000, LogLevel.Information, "Storage: {Store}")]
    public static partial void StorageSelected(ILogger logger, string store);

    [LoggerMessage(2001, LogLevel.Information, "Applied {Provider} migration {Version} ({Name})")]
    public static partial void MigrationApplied(ILogger logger, string provider, int version, string name);

    [LoggerMessage(2002, LogLevel.Warning, "Writing {Messages} messages to {Store} failed (attempt {Attempt}); retrying in {Delay}. The messages stay unacknowledged until they are stored")]
    public static partial void BatchWriteFailed(ILogger logger, Exception exception, int messages, string store, int attempt, TimeSpan delay);

    [LoggerMessage(2003, LogLevel.Information, "Storage recovered after {Attempts} failed attempts; {Messages} messages were waiting")]
    public static partial void StorageRecovered(ILogger logger, int attempts, int messages);

    [LoggerMessage(2004, LogLevel.Information, "Restored {Assets} assets from {Store}")]
    public static partial void LiveStateRestored(ILogger logger, int assets, string store);

    [LoggerMessage(2005, LogLevel.Information, "Retention deleted {Readings} readings, {Estimates} estimates and {Aggregates} minute aggregates")]
    public static partial void RetentionDeleted(ILogger logger, long readings, long estimates, long aggregates);

    [LoggerMessage(2006, LogLevel.Warning, "Retention run failed; it runs again in {Interval}")]
    public static partial void RetentionFailed(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(2007, LogLevel.Error, "Loading the stored state failed; the dashboard starts with live data only")]
    public static partial void LiveStateRestoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(2008, LogLevel.Warning, "Could not apply migrations to {Store} (attempt {Attempt}); retrying in {Delay}")]
    public static partial void MigrationFailed(ILogger logger, Exception exception, string store, int attempt, TimeSpan delay);

    [LoggerMessage(2009, LogLevel.Error, "The store rejected a message from {Asset} for its content; the message is dropped so ingest can continue")]
    public static partial void MessageNotStorable(ILogger logger, Exception exception, string asset);

    [LoggerMessage(2010, LogLevel.Warning, "Stopped with {Messages} received messages not stored within {Timeout}; a broker that keeps the session delivers them again, the embedded broker does not")]
    public static partial void StoppedWithUnstoredMessages(ILogger logger, int messages, TimeSpan timeout);

    [LoggerMessage(4000, LogLevel.Information, "Loaded {Rules} alert rules and {Open} alerts that are not normal")]
    public static partial void AlertsLoaded(ILogger logger, int rules, int open);

    [LoggerMessage(4001, LogLevel.Warning, "Alert store unavailable; alerts change in memory and are stored when it is back (next try in {Delay})")]
    public static partial void AlertStoreFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(4002, LogLevel.Warning, "Alert {AlertId} was changed by another instance; its stored state is used")]
    public static partial void AlertConflict(ILogger logger, long alertId);

    [LoggerMessage(4003, LogLevel.Information, "Alert {AlertId} {Event} by {User}")]
    public static partial void AlertChangedByUser(ILogger logger, long alertId, AlertEventKind @event, string user);

    [LoggerMessage(4004, LogLevel.Information, "Alert rule {RuleId} ({Name}) saved by {User}")]
    public static partial void RuleSaved(ILogger logger, long ruleId, string name, string user);

    [LoggerMessage(3000, LogLevel.Warning, "Estimating {Asset} failed; its other estimates and other assets continue")]
    public static partial void EstimateFailed(ILogger logger, Exception exception, string asset);

    [LoggerMessage(3001, LogLevel.Information, "Loaded RUL model {Model} from {Path}")]
    public static partial void RulModelLoaded(ILogger logger, string model, string path);

    [LoggerMessage(3002, LogLevel.Error, "RUL model file {Path} was not found or could not be read; turbofans get the generic method only. Run 'train-rul' or set Estimation:Turbofan:ModelFile")]
    public static partial void RulModelMissing(ILogger logger, Exception? exception, string path);

    [LoggerMessage(3003, LogLevel.Information, "Loaded the baseline of {Asset} from {Count} stored readings of its current life")]
    public static partial void StoredBaselineLoaded(ILogger logger, string asset, int count);

    [LoggerMessage(3004, LogLevel.Warning, "Reading the stored baseline of {Asset} failed; its baseline is learned from new readings")]
    public static partial void StoredBaselineFailed(ILogger logger, Exception exception, string asset);

    [LoggerMessage(5000, LogLevel.Information, "Security event {Event}: actor {Actor}, subject {Subject}, detail {Detail}, client {RemoteAddress}")]
    public static partial void SecurityEvent(ILogger logger, Security.Audit.AuditEvent @event, string actor, string subject, string detail, string remoteAddress);

    [LoggerMessage(5001, LogLevel.Error, "Storing security event {Event} in the audit log failed; the previous log line records the event")]
    public static partial void AuditWriteFailed(ILogger logger, Exception exception, Security.Audit.AuditEvent @event);

    [LoggerMessage(5002, LogLevel.Warning, "No administrator account exists. Open {Url} within {Lifetime} to create one; the link works once. Alternatively set Admin:Email and Admin:Password and restart")]
    public static partial void SetupLinkCreated(ILogger logger, string url, TimeSpan lifetime);

    [LoggerMessage(5003, LogLevel.Information, "Created administrator {Email} from Admin:Email and Admin:Password")]
    public static partial void AdminCreatedFromConfiguration(ILogger logger, string email);

    [LoggerMessage(5004, LogLevel.Error, "The administrator from Admin:Email and Admin:Password could not be created: {Problem}")]
    public static partial void AdminConfigurationInvalid(ILogger logger, string problem);

    [LoggerMessage(5005, LogLevel.Warning, "Preparing the security tables failed (attempt {Attempt}); retrying in {Delay}")]
    public static partial void SecurityInitializationFailed(ILogger logger, Exception exception, int attempt, TimeSpan delay);

    [LoggerMessage(5006, LogLevel.Information, "Accounts, tokens and keys: {Database}")]
    public static partial void SecurityDatabaseSelected(ILogger logger, string database);

    [LoggerMessage(5010, LogLevel.Warning, "Requests without credentials get the role {Role} (Auth:AnonymousRole)")]
    public static partial void AnonymousAccessEnabled(ILogger logger, string role);

    [LoggerMessage(5011, LogLevel.Information, "OpenID Connect sign-in through {Authority} is enabled")]
    public static partial void OidcEnabled(ILogger logger, string authority);

    [LoggerMessage(5012, LogLevel.Information, "Trusting X-Forwarded-For and X-Forwarded-Proto from {Proxies}")]
    public static partial void ForwardedHeadersEnabled(ILogger logger, string proxies);

    [LoggerMessage(5020, LogLevel.Warning, "Checking display tokens for revocation failed; retrying in {Interval}")]
    public static partial void DisplayCheckFailed(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(5021, LogLevel.Error, "A display circuit failed to handle the revocation of display token {TokenId}")]
    public static partial void DisplayRevocationCallbackFailed(ILogger logger, Exception exception, string tokenId);

    [LoggerMessage(5022, LogLevel.Warning, "Checking a circuit's session against the database failed; the circuit stays signed in and is checked again in {Interval}")]
    public static partial void SessionCheckFailed(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(5030, LogLevel.Warning, "Rejected the TLS certificate of MQTT broker {Host}: {Problem}")]
    public static partial void MqttCertificateRejected(ILogger logger, string host, string problem);

    [LoggerMessage(5031, LogLevel.Warning, "Embedded MQTT broker rejected client {ClientId} from {Endpoint}: wrong or missing user name or password")]
    public static partial void EmbeddedBrokerRejectedClient(ILogger logger, string clientId, string endpoint);

    [LoggerMessage(5040, LogLevel.Warning, "Rejected the single sign-on of {User}: no value of claim {Claim} maps to a dashboard role (Auth:Oidc:RoleMapping)")]
    public static partial void OidcSignInRejected(ILogger logger, string user, string claim);

    [LoggerMessage(5041, LogLevel.Debug, "Rejected a request from {RemoteAddress} with an unknown or revoked API key")]
    public static partial void ApiKeyRejected(ILogger logger, string remoteAddress);

    [LoggerMessage(5042, LogLevel.Information, "Rejected {Method} {Path}: the anti-forgery token is missing or invalid")]
    public static partial void AntiforgeryRejected(ILogger logger, string method, string path);
}
