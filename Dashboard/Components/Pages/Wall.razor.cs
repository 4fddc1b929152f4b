using System.Globalization;
using Dashboard.Alerts;
using Dashboard.Components.Shared;
using Dashboard.Mqtt;
using Dashboard.Telemetry;
using Dashboard.Wall;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;

namespace Dashboard.Components.Pages;

/// <summary>
/// The wall display: a full-screen, read-only view for a kiosk screen that rotates through pages of asset
/// tiles, shows unacknowledged Critical and High alerts in a banner, and covers its tiles with a notice when
/// data stops arriving.
/// </summary>
/// <remarks>
/// The page renders at most <see cref="LiveOptions.MaxRendersPerSecond"/> times per second and at least once
/// per second (the clock and the heartbeat). The browser side of the connection handling lives in
/// wwwroot/js/wall-display.js, which App.razor loads for /wall instead of the default reconnect dialog.
/// </remarks>
public partial class Wall
{
    /// <summary>Name of the cascading <see cref="bool"/> that is true once this display's token was revoked.</summary>
    public const string DisplayRevokedName = Dashboard.Security.Components.DisplaySessionView.RevokedCascadeName;

    private IReadOnlyList<WallPage> _pages = [];
    private IReadOnlyList<WallTileModel> _tiles = [];
    private IReadOnlyList<AlertRecord> _banner = [];
    private string _annunciation = string.Empty;
    private string? _noData;
    private bool _brokerConnected;
    private int _pageIndex;
    private int? _appliedPageNumber;
    private DateTimeOffset _now;
    private DateTimeOffset _openedAt;
    private ITimer? _rotation;
    private IDisposable? _alertSubscription;
    private IDisposable? _reconnectSubscription;
    private WallDisplayCounter? _counter;

    [Inject]
    public required IOptions<WallOptions> WallOptions { get; init; }

    [Inject]
    public required PlantClock Clock { get; init; }

    [Inject]
    public required AlertBoard Alerts { get; init; }

    [Inject]
    public required EstimateSelector Selector { get; init; }

    [Inject]
    public required IngestStats Ingest { get; init; }

    [Inject]
    public required SparklineService Sparklines { get; init; }

    [Inject]
    public required WallStats Stats { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required IServiceProvider Services { get; init; }

    [Inject]
    public required ILogger<Wall> Logger { get; init; }

    /// <summary>Site to show; null rotates through every site.</summary>
    [Parameter]
    public string? Site { get; set; }

    /// <summary>The site shown: the site of this display's token when it has one, else the route's site.</summary>
    private string? ShownSite => _displaySite ?? Site;

    private string? _displaySite;

    [CascadingParameter]
    private Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>Page of the rotation to show first, from 1, as in <c>/wall?page=2</c>.</summary>
    [SupplyParameterFromQuery(Name = "page")]
    public int? PageNumber { get; set; }

    /// <summary>Set by the security feature when this display's token is revoked: the wall then hides its data.</summary>
    [CascadingParameter(Name = DisplayRevokedName)]
    public bool DisplayRevoked { get; set; }

    /// <summary>The page of the rotation on screen, or null while there are no assets.</summary>
    public WallPage? CurrentPage => _pages.Count > 0 ? _pages[_pageIndex] : null;

    private string ScopeText => ShownSite is null ? $"All sites · {CurrentPage?.Site}" : $"Site {ShownSite}";

    private string PageTitleText => ShownSite is null ? "Wall" : $"Wall · {ShownSite}";

    private string PagePositionText => _pages.Count > 1 ? $"Page {_pageIndex + 1} of {_pages.Count}" : string.Empty;

    private string EmptyText => ShownSite is null ? "No asset has published telemetry yet." : $"No asset of site {ShownSite} has published telemetry yet.";

    /// <summary>
    /// Returns the grid size for the largest page of the rotation, so tiles keep their size from page to page
    /// and a site with few assets still fills the screen.
    /// </summary>
    private string GridStyle
    {
        get
        {
            var tiles = _pages.Count > 0 ? _pages.Max(page => page.Assets.Count) : WallOptions.Value.TilesPerPage;
            var (columns, rows) = WallPaging.Grid(tiles);
            return string.Create(CultureInfo.InvariantCulture, $"--wall-columns:{columns};--wall-rows:{rows}");
        }
    }

    private string StatusText
    {
        get
        {
            if (!_brokerConnected)
            {
                var since = Ingest.ConnectionChangedAt is { } changed ? $" for {Display.Age(_now - changed)}" : string.Empty;
                return $"Broker {Ingest.ConnectionState.ToString().ToLowerInvariant()}{since}";
            }

            return Live.LastReceivedAt is { } last
                ? $"Last reading {Clock.TimeOfDay(last)} ({Display.Age(_now - last)} ago)"
                : "Waiting for the first reading";
        }
    }

    private string BrokerText => _brokerConnected
        ? $"The broker connection is up ({Ingest.Broker}), but nothing arrives: check the devices and the broker."
        : $"Broker {Ingest.ConnectionState.ToString().ToLowerInvariant()} ({Ingest.Broker}){(Ingest.LastConnectionError is { } error ? $": {error}" : string.Empty)}.";

    protected override void OnInitialized() => _openedAt = Time.GetUtcNow();

    protected override async Task OnParametersSetAsync()
    {
        if (AuthenticationState is not null)
        {
            _displaySite = (await AuthenticationState).User.FindFirst(Dashboard.Security.SecurityClaims.DisplaySite)?.Value;
        }

        OnParametersSetCore();
    }

    private void OnParametersSetCore()
    {
        // A page number from the address applies when it changes; in between, the rotation moves on from it.
        if (PageNumber != _appliedPageNumber)
        {
            _appliedPageNumber = PageNumber;
            _pageIndex = PageNumber is { } number ? Math.Max(0, number - 1) : 0;
        }

        Refresh();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        _counter?.RecordRender();
        if (!firstRender)
        {
            return;
        }

        _counter = Stats.Open();
        WallLogMessages.DisplayOpened(Logger, ScopeName, Stats.OpenDisplays);
        _alertSubscription = Alerts.Subscribe(_ => RequestUpdate());
        _reconnectSubscription = Services.GetService<CircuitEvents>()?.OnReconnected(() => InvokeAsync(OnReconnected));
        var interval = WallOptions.Value.RotationInterval;
        _rotation = Time.CreateTimer(_ => _ = InvokeAsync(NextPageAsync), null, interval, interval);
        await EnsureWallDocumentAsync();
    }

    protected override Task OnLiveUpdateAsync()
    {
        Refresh();
        StateHasChanged();
        return Task.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        _rotation?.Dispose();
        _alertSubscription?.Dispose();
        _reconnectSubscription?.Dispose();
        if (_counter is { } counter)
        {
            counter.Dispose();
            WallLogMessages.DisplayClosed(Logger, ScopeName, Time.GetUtcNow() - counter.OpenedAt, Stats.OpenDisplays);
        }
    }

    private string ScopeName => ShownSite ?? "all sites";

    /// <summary>
    /// Shows the next page of the rotation; with a single page nothing changes. A failure goes to the renderer
    /// like one in a lifecycle method, because the timer that calls this would otherwise lose it.
    /// </summary>
    private Task NextPageAsync()
    {
        try
        {
            if (_pages.Count > 1)
            {
                _pageIndex = (_pageIndex + 1) % _pages.Count;
            }

            Refresh();
            StateHasChanged();
            return Task.CompletedTask;
        }
        catch (Exception e)
        {
            return DispatchExceptionAsync(e);
        }
    }

    /// <summary>
    /// Reloads state after the browser reconnected: values and alerts are read again, and the sparklines on
    /// screen load history for the time the display was away.
    /// </summary>
    private void OnReconnected()
    {
        WallLogMessages.DisplayReconnected(Logger, ScopeName);
        var metrics = _tiles.SelectMany(tile => tile.Metrics.Select(metric => (tile.Asset, metric.Metric))).ToList();
        Sparklines.ReloadHistory(metrics);
        Refresh();
        StateHasChanged();
    }

    /// <summary>
    /// Reloads the page when it was reached by navigation inside another page's circuit. That document runs
    /// the default reconnect dialog instead of the wall's script, and a full load replaces it with the wall's.
    /// </summary>
    private async Task EnsureWallDocumentAsync()
    {
        try
        {
            if (await JS.InvokeAsync<bool>("dashboardWall.attach"))
            {
                return;
            }
        }
        catch (JSException)
        {
            // The wall's script is not loaded in this document.
        }
        catch (Exception e) when (e is JSDisconnectedException or TaskCanceledException)
        {
            // The browser went away or did not answer; its next page load runs this check again.
            return;
        }

        Navigation.NavigateTo(Navigation.Uri, forceLoad: true);
    }

    /// <summary>Reads the live state, the alerts and the clock, and rebuilds what the page shows.</summary>
    private void Refresh()
    {
        _now = Time.GetUtcNow();
        var options = WallOptions.Value;
        var snapshots = Live.Snapshot().Where(snapshot => ShownSite is null || snapshot.Key.Site == ShownSite).ToDictionary(snapshot => snapshot.Key);
        _pages = WallPaging.Build(snapshots.Keys, ShownSite, options.TilesPerPage);
        _pageIndex = WallPaging.IndexOf(_pageIndex + 1, _pages.Count);

        var open = Alerts.Open().Where(alert => ShownSite is null || alert.Asset.Site == ShownSite).ToList();
        var openByAsset = open.ToLookup(alert => alert.Asset);
        _banner = open.Where(alert => alert.IsUnacknowledged && alert.Priority <= AlertPriority.High)
            .OrderBy(alert => alert.Priority)
            .ThenByDescending(alert => alert.ActivatedAt)
            .ToList();
        _annunciation = string.Join(' ', _banner.Select(AnnunciationKey));

        var live = LiveOptions.Value;
        _tiles = CurrentPage is { } page
            ? page.Assets.Select(asset => WallTileModel.Create(
                snapshots[asset],
                Selector.Select(snapshots[asset]),
                openByAsset[asset].ToList(),
                live.KeyMetrics,
                options.MetricsPerTile,
                Sparklines.Get,
                _now,
                live.StaleAfter)).ToList()
            : [];

        _brokerConnected = Ingest.ConnectionState == BrokerConnectionState.Connected;
        _noData = NoDataText(options.NoDataAfter);
    }

    /// <summary>
    /// Returns the no-data notice when no reading of any asset arrived for <see cref="WallOptions.NoDataAfter"/>,
    /// counted from the newest reading or, before the first one, from the moment the display opened.
    /// </summary>
    private string? NoDataText(TimeSpan noDataAfter)
    {
        var last = Live.LastReceivedAt;
        var silence = _now - (last ?? _openedAt);
        if (silence <= noDataAfter)
        {
            return null;
        }

        return last is { } received
            ? $"No reading has arrived for {Components.Wall.WallText.Duration(silence)}, since {Clock.TimeOfDay(received)}."
            : $"No reading has arrived since this display opened {Components.Wall.WallText.Duration(silence)} ago.";
    }

    /// <summary>
    /// Returns a key that identifies one activation of an alert, so the page's script sounds at once for a new
    /// alert and repeats for alerts that stay unacknowledged.
    /// </summary>
    private static string AnnunciationKey(AlertRecord alert) => string.Create(
        CultureInfo.InvariantCulture,
        $"{alert.RuleId}-{alert.Id}-{HashCode.Combine(alert.Asset, alert.Metric):x}-{alert.ActivatedAt?.UtcTicks}");
}
