using Dashboard.Storage;
using Dashboard.Telemetry;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Dashboard.Components.Charts;

/// <summary>
/// RUL over time for one asset and model: the estimate as a line, its 80 % interval as a band and, for
/// replayed C-MAPSS units whose truth is known, the true RUL (the <c>rul_true</c> metric) for comparison.
/// </summary>
public partial class RulChart
{
    private const int MaxPoints = 1500;
    private const int HistoryEstimates = 5000;

    private ElementReference _element;
    private IJSObjectReference? _module;
    private int? _chartId;
    private DateTimeOffset? _lastEstimate;
    private DateTimeOffset? _lastTruth;
    private string? _drawnModel;
    private ChartRange? _drawnRange;

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required IServiceProvider Services { get; init; }

    [Parameter, EditorRequired]
    public required AssetKey Asset { get; set; }

    /// <summary>Model whose estimates are drawn.</summary>
    [Parameter, EditorRequired]
    public required string Model { get; set; }

    [Parameter]
    public ChartRange Range { get; set; } = ChartRange.Default;

    [Parameter]
    public int Height { get; set; } = 260;

    protected override AssetKey? LiveFilter => Asset;

    protected override bool TicksEverySecond => false;

    public async ValueTask DisposeAsync()
    {
        Dispose();
        if (_module is null)
        {
            return;
        }

        try
        {
            if (_chartId is { } id)
            {
                await _module.InvokeVoidAsync("dispose", id);
            }

            await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the browser's chart with it.
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _module = await JS.InvokeAsync<IJSObjectReference>("import", TrendChart.ModulePath);
            _chartId = await _module.InvokeAsync<int>("create", _element, new
            {
                series = Empty(),
                maxPoints = MaxPoints,
                minIntervalMs = LiveOptions.Value.RenderInterval.TotalMilliseconds,
                height = Height,
                colors = new[] { "#90A4AE", "#37474F", "#2E7D32" },
                fill = new { opacity = new[] { 0.35, 1, 1 } },
                strokeWidths = new[] { 0, 2, 2 },
                dashArray = new[] { 0, 0, 5 },
                decimals = 0,
            });
            await BackfillAsync();
        }
        else if (_chartId is not null && (_drawnModel != Model || _drawnRange != Range))
        {
            await BackfillAsync();
        }
    }

    protected override async Task OnLiveUpdateAsync()
    {
        if (_module is null || _chartId is not { } id || Live.Snapshot(Asset) is not { } snapshot)
        {
            return;
        }

        var band = new List<double?[]>();
        var line = new List<double?[]>();
        if (snapshot.EstimatesByModel.TryGetValue(Model, out var estimate) && estimate.Timestamp > _lastEstimate && estimate.Rul is { } rul)
        {
            _lastEstimate = estimate.Timestamp;
            AddEstimate(band, line, estimate.Timestamp, rul);
        }

        var truth = Live.Window(Asset, WellKnownMetrics.TrueRul, _lastTruth);
        if (truth.Length > 0)
        {
            _lastTruth = truth[^1].Timestamp;
        }

        if (band.Count > 0 || truth.Length > 0)
        {
            await _module.InvokeVoidAsync("append", id, new object[] { band, line, truth.Select(ToJs).ToArray() });
        }
    }

    private async Task BackfillAsync()
    {
        _drawnModel = Model;
        _drawnRange = Range;
        var (from, to) = Range.Resolve(Time.GetUtcNow());
        var band = new List<double?[]>();
        var line = new List<double?[]>();
        var truth = new List<double?[]>();

        if (Services.GetService<IReadingStore>() is { } store && Services.GetService<HistoryService>() is { } history)
        {
            try
            {
                var estimates = (await store.ReadEstimatesAsync(Asset, from, to, HistoryEstimates, CancellationToken.None))
                    .Where(e => e.Model == Model && e.Rul is not null)
                    .ToArray();
                var step = Math.Max(1, estimates.Length / (MaxPoints / 2));
                for (var i = 0; i < estimates.Length; i += step)
                {
                    AddEstimate(band, line, estimates[i].Timestamp, estimates[i].Rul!);
                    _lastEstimate = estimates[i].Timestamp;
                }

                var stored = await history.QueryAsync(Asset, WellKnownMetrics.TrueRul, from, to, MaxPoints / 2, CancellationToken.None);
                truth.AddRange(stored.Points.Where(p => p.Value is not null).Select(p => new double?[] { p.Timestamp.ToUnixTimeMilliseconds(), p.Value }));
                _lastTruth = stored.Points.LastOrDefault(p => p.Value is not null)?.Timestamp + stored.BucketWidth;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException)
            {
                // History is optional here: the chart continues with live estimates.
                _lastEstimate = null;
            }
        }

        await _module!.InvokeVoidAsync("replace", _chartId!.Value, new object[]
        {
            new { name = "80 % interval", type = "rangeArea", points = band },
            new { name = $"RUL ({Model})", type = "line", points = line },
            new { name = "true RUL", type = "line", points = truth },
        });
    }

    private static void AddEstimate(List<double?[]> band, List<double?[]> line, DateTimeOffset timestamp, RulEstimate rul)
    {
        var x = timestamp.ToUnixTimeMilliseconds();
        line.Add([x, rul.Value]);
        if (rul.Lower is { } lower)
        {
            band.Add([x, lower, rul.Upper ?? rul.Value]);
        }
    }

    private static object[] Empty() =>
    [
        new { name = "80 % interval", type = "rangeArea", points = Array.Empty<double?[]>() },
        new { name = "RUL", type = "line", points = Array.Empty<double?[]>() },
        new { name = "true RUL", type = "line", points = Array.Empty<double?[]>() },
    ];

    private static double?[] ToJs(TrendPoint point) => [point.Timestamp.ToUnixTimeMilliseconds(), point.Value];
}
