using System.Text;
using Bunit;
using Dashboard.Components.Pages;
using Dashboard.Mqtt;
using Dashboard.Storage;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Tests.Components;

public sealed class DiagnosticsTests : ComponentTestContext
{
    [Fact]
    public void RejectedCounts_AreShownByReason()
    {
        Reject(RejectReason.InvalidJson, "{");
        Reject(RejectReason.InvalidJson, "[");
        Reject(RejectReason.FutureTimestamp, "{}");

        var cut = Render<Diagnostics>();

        var counts = cut.Find("[data-testid=rejected-counts]");
        Assert.Contains("Rejected: 3", counts.TextContent, StringComparison.Ordinal);
        Assert.Equal("2", counts.QuerySelector("[data-reason=InvalidJson]")!.TextContent.Trim());
        Assert.Equal("1", counts.QuerySelector("[data-reason=FutureTimestamp]")!.TextContent.Trim());
        Assert.Equal("0", counts.QuerySelector("[data-reason=NotUtf8]")!.TextContent.Trim());
        Assert.Equal(Enum.GetValues<RejectReason>().Length, counts.QuerySelectorAll("[data-reason]").Length);
    }

    [Fact]
    public void LastRejected_ShowsNewestRowsFirst()
    {
        Reject(RejectReason.InvalidJson, "first", "plant/s/a/telemetry", "invalid JSON at byte 0");
        Time.Advance(TimeSpan.FromSeconds(1));
        Reject(RejectReason.InvalidTopic, "second", "plant/s//telemetry", "topic is not …");

        var cut = Render<Diagnostics>();

        var rows = cut.FindAll("[data-testid=last-rejected] tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("plant/s//telemetry", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("invalid topic", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-03-01 12:00:01Z", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("first", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("invalid JSON at byte 0", rows[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void NoRejections_ShowsEmptyTable()
    {
        var cut = Render<Diagnostics>();

        Assert.Contains("No message has been rejected.", cut.Find("[data-testid=last-rejected]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Rejected: 0", cut.Find("[data-testid=rejected-counts]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void HtmlInPayloadAndTopic_IsRenderedAsText()
    {
        Reject(RejectReason.InvalidJson, "<img src=x onerror=alert(1)>", "plant/<b>s</b>/a/telemetry");

        var cut = Render<Diagnostics>();

        Assert.Empty(cut.FindAll("[data-testid=last-rejected] img"));
        Assert.Empty(cut.FindAll("[data-testid=last-rejected] b"));
        Assert.Contains("<img src=x onerror=alert(1)>", cut.Find("[data-testid=last-rejected]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void NewRejection_AppearsOnNextTick()
    {
        var cut = Render<Diagnostics>();

        Reject(RejectReason.NotUtf8, "x");
        Time.Advance(TimeSpan.FromSeconds(1));

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-reason=NotUtf8]").TextContent.Trim()));
        Assert.Contains("not UTF-8", cut.Find("[data-testid=last-rejected] tbody tr").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectionState_IsShown()
    {
        Stats.SetConnection(BrokerConnectionState.Disconnected, "127.0.0.1:1883", "connection refused");

        var cut = Render<Diagnostics>();

        Assert.Contains("Disconnected to 127.0.0.1:1883", cut.Find("[data-testid=connection-state]").TextContent, StringComparison.Ordinal);
        Assert.Contains("last error: connection refused", cut.Find("[data-testid=broker]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void StorageBacklogAndDrops_AreShown()
    {
        var storage = Services.GetRequiredService<StorageStats>();
        storage.Store = "PostgreSQL 127.0.0.1:5432/dashboard";
        for (var i = 0; i < 3; i++)
        {
            storage.Enqueued();
        }

        storage.BatchStarted(T0.AddSeconds(-90));
        storage.BatchFailed(new InvalidOperationException("connection refused"), T0);
        storage.MessageDropped();

        var cut = Render<Diagnostics>();

        Assert.Contains("Backlog: 3 messages", cut.Find("[data-testid=storage-backlog]").TextContent, StringComparison.Ordinal);
        Assert.Contains("oldest 1 min old", cut.Find("[data-testid=storage-backlog]").TextContent, StringComparison.Ordinal);
        Assert.Contains("unavailable, retrying (1 failed attempts)", cut.Find("[data-testid=storage-state]").TextContent, StringComparison.Ordinal);
        Assert.Contains("1 messages dropped", cut.Find("[data-testid=storage-dropped]").TextContent, StringComparison.Ordinal);
        Assert.Contains("connection refused", cut.Find("[data-testid=storage-error]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_Unsubscribes()
    {
        Render<Diagnostics>();
        Assert.Equal(1, Live.SubscriberCount);

        await DisposeComponentsAsync();

        Assert.Equal(0, Live.SubscriberCount);
    }

    private void Reject(RejectReason reason, string payload, string topic = "plant/s/a/telemetry", string detail = "detail") =>
        Stats.RecordRejected(topic, reason, detail, Encoding.UTF8.GetBytes(payload));
}
