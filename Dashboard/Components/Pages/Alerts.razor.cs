using Dashboard.Alerts;
using Dashboard.Components.Alerts;
using Dashboard.Components.Shared;
using Dashboard.Telemetry;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dashboard.Components.Pages;

/// <summary>
/// The alert list for supervisors and planners: filtered and paged on the server, with acknowledge, shelve
/// and journal dialogs. It reloads when any alert changes (at most a few times per second) and after a
/// circuit reconnect, so acknowledgements made elsewhere appear.
/// </summary>
public partial class Alerts : IDisposable
{
    private MudDataGrid<AlertRecord>? _grid;
    private HashSet<AlertRecord> _selected = new(AlertIdComparer.Instance);
    private IReadOnlyCollection<AlertState> _states = [AlertState.ActiveUnacknowledged, AlertState.ActiveAcknowledged, AlertState.ReturnedUnacknowledged, AlertState.Shelved, AlertState.OutOfService];
    private IReadOnlyCollection<AlertPriority> _priorities = [];
    private string? _site;
    private string? _asset;
    private int _withinHours;
    private AlertCounts _counts = new(0, 0, 0, 0, null);
    private RenderThrottle? _throttle;
    private IDisposable? _boardSubscription;
    private IDisposable? _reconnectSubscription;

    [Inject]
    public required AlertBoard Board { get; init; }

    [Inject]
    public required IServiceProvider Services { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required CurrentUser User { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [Inject]
    public required Microsoft.Extensions.Options.IOptions<LiveOptions> LiveOptions { get; init; }

    [Inject]
    public required UserPermissions Permissions { get; init; }

    private AlertService? Service => Services.GetService<AlertService>();

    private AlertStore? Store => Services.GetService<AlertStore>();

    private bool CanAcknowledge { get; set; }

    private bool CanShelve { get; set; }

    private bool CanSetOutOfService { get; set; }

    public void Dispose()
    {
        _boardSubscription?.Dispose();
        _reconnectSubscription?.Dispose();
        _throttle?.Dispose();
        GC.SuppressFinalize(this);
    }

    protected override async Task OnInitializedAsync()
    {
        _counts = Board.Counts();
        CanAcknowledge = await Permissions.CanAsync(UserPermission.Acknowledge);
        CanShelve = await Permissions.CanAsync(UserPermission.Shelve);
        CanSetOutOfService = await Permissions.CanAsync(UserPermission.SetOutOfService);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        _throttle = new RenderThrottle(() => InvokeAsync(RefreshAsync), LiveOptions.Value.RenderInterval, Time, e => _ = InvokeAsync(() => DispatchExceptionAsync(e)));
        _boardSubscription = Board.Subscribe(_ => _throttle.Notify());
        _reconnectSubscription = Services.GetService<CircuitEvents>()?.OnReconnected(() => InvokeAsync(RefreshAsync));
    }

    private async Task RefreshAsync()
    {
        _counts = Board.Counts();
        if (_grid is not null)
        {
            await _grid.ReloadServerData();
        }

        StateHasChanged();
    }

    private async Task<GridData<AlertRecord>> LoadAsync(GridState<AlertRecord> state, CancellationToken cancellationToken)
    {
        if (Store is not { } store)
        {
            return new GridData<AlertRecord> { Items = [], TotalItems = 0 };
        }

        var from = _withinHours > 0 ? Time.GetUtcNow().AddHours(-_withinHours) : (DateTimeOffset?)null;
        var query = new AlertQuery(_states.ToArray(), _priorities.ToArray(), _site, _asset, from, null, state.Page * state.PageSize, state.PageSize);
        var (items, total) = await store.QueryAsync(query, cancellationToken);
        return new GridData<AlertRecord> { Items = items, TotalItems = total };
    }

    private async Task AcknowledgeAsync(AlertRecord alert)
    {
        if (await AskNoteAsync($"{alert.Priority}: {alert.Message}") is not { } note)
        {
            return;
        }

        Report(await Service!.AcknowledgeAsync(alert.Id, await User.NameAsync(), note, CancellationToken.None));
        await RefreshAsync();
    }

    private async Task AcknowledgeSelectedAsync()
    {
        var ids = _selected.Where(alert => alert.IsUnacknowledged).Select(alert => alert.Id).ToArray();
        if (ids.Length == 0)
        {
            Snackbar.Add("None of the selected alerts is unacknowledged.", Severity.Info);
            return;
        }

        if (await AskNoteAsync($"Acknowledge {ids.Length} alerts with one note.") is not { } note)
        {
            return;
        }

        var results = await Service!.AcknowledgeManyAsync(ids, await User.NameAsync(), note, CancellationToken.None);
        var succeeded = results.Count(result => result.Succeeded);
        Snackbar.Add($"{succeeded} of {ids.Length} alerts acknowledged.", succeeded == ids.Length ? Severity.Success : Severity.Warning);
        foreach (var failed in results.Where(result => !result.Succeeded))
        {
            Snackbar.Add(failed.Message, Severity.Warning);
        }

        _selected.Clear();
        await RefreshAsync();
    }

    private async Task ShelveAsync(AlertRecord alert)
    {
        var parameters = new DialogParameters<ShelveDialog>
        {
            { dialog => dialog.Summary, $"{alert.Priority}: {alert.Message}" },
            { dialog => dialog.MaxDuration, Service!.Options.MaxShelveDuration },
        };
        var reference = await Dialogs.ShowAsync<ShelveDialog>("Shelve alert", parameters);
        if (await reference.Result is { Canceled: false, Data: ShelveDialog.ShelveChoice choice })
        {
            Report(await Service.ShelveAsync(alert.Id, await User.NameAsync(), choice.Reason, choice.Duration, CancellationToken.None));
            await RefreshAsync();
        }
    }

    private async Task UnshelveAsync(AlertRecord alert)
    {
        Report(await Service!.UnshelveAsync(alert.Id, await User.NameAsync(), "unshelved by hand", CancellationToken.None));
        await RefreshAsync();
    }

    private async Task ToggleServiceAsync(AlertRecord alert)
    {
        var returning = alert.State == AlertState.OutOfService;
        if (await AskNoteAsync(returning ? "Return this alert to service." : "Take this alert out of service; it stays silent until returned.") is not { } note)
        {
            return;
        }

        var user = await User.NameAsync();
        Report(returning
            ? await Service!.ReturnToServiceAsync(alert.Id, user, note, CancellationToken.None)
            : await Service!.RemoveFromServiceAsync(alert.Id, user, note, CancellationToken.None));
        await RefreshAsync();
    }

    private async Task ShowJournalAsync(AlertRecord alert)
    {
        var events = await Store!.GetEventsAsync(alert.Id, CancellationToken.None);
        var parameters = new DialogParameters<JournalDialog> { { dialog => dialog.Events, events } };
        await Dialogs.ShowAsync<JournalDialog>($"Journal of alert {alert.Id}: {alert.Message}", parameters, new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true });
    }

    private async Task<string?> AskNoteAsync(string summary)
    {
        var parameters = new DialogParameters<AcknowledgeDialog>
        {
            { dialog => dialog.Summary, summary },
            { dialog => dialog.RequireNote, Service!.Options.RequireAcknowledgeNote },
        };
        var reference = await Dialogs.ShowAsync<AcknowledgeDialog>("Acknowledge", parameters);
        return await reference.Result is { Canceled: false, Data: string note } ? note : null;
    }

    private void Report(AlertCommandResult result) =>
        Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : result.Status == AlertCommandStatus.Conflict ? Severity.Warning : Severity.Error);

    private Task OnStatesChanged(IReadOnlyCollection<AlertState>? states)
    {
        _states = states ?? [];
        return RefreshAsync();
    }

    private Task OnPrioritiesChanged(IReadOnlyCollection<AlertPriority>? priorities)
    {
        _priorities = priorities ?? [];
        return RefreshAsync();
    }

    private Task OnSiteChanged(string? site)
    {
        _site = site;
        return RefreshAsync();
    }

    private Task OnAssetChanged(string? asset)
    {
        _asset = asset;
        return RefreshAsync();
    }

    private Task OnWithinChanged(int hours)
    {
        _withinHours = hours;
        return RefreshAsync();
    }
}

/// <summary>Compares alerts by id, so a selection survives a reload that brings new record instances.</summary>
public sealed class AlertIdComparer : IEqualityComparer<AlertRecord>
{
    public static readonly AlertIdComparer Instance = new();

    public bool Equals(AlertRecord? x, AlertRecord? y) => x?.Id == y?.Id;

    public int GetHashCode(AlertRecord obj) => obj.Id.GetHashCode();
}
