namespace Dashboard.Alerts;

/// <summary>
/// The ISA-18.2 alarm state machine, without side effects: given a state and a trigger it returns the next
/// state and the event to record, or null when the trigger changes nothing.
/// </summary>
/// <remarks>
/// While an alert is shelved or out of service its condition is still tracked, but no transition happens;
/// unshelving or returning it to service goes straight to the state the condition calls for, so an alarm
/// that became active meanwhile is announced unacknowledged.
/// </remarks>
public static class AlertStateMachine
{
    public static (AlertState State, AlertEventKind Event)? OnCondition(AlertState state, bool active) => (state, active) switch
    {
        (AlertState.Normal, true) => (AlertState.ActiveUnacknowledged, AlertEventKind.Activated),
        (AlertState.ReturnedUnacknowledged, true) => (AlertState.ActiveUnacknowledged, AlertEventKind.Activated),
        (AlertState.ActiveUnacknowledged, false) => (AlertState.ReturnedUnacknowledged, AlertEventKind.ReturnedToNormal),
        (AlertState.ActiveAcknowledged, false) => (AlertState.Normal, AlertEventKind.ReturnedToNormal),
        _ => null,
    };

    /// <summary>Returns the state after an acknowledgement, or null when there is nothing to acknowledge.</summary>
    public static AlertState? OnAcknowledge(AlertState state) => state switch
    {
        AlertState.ActiveUnacknowledged => AlertState.ActiveAcknowledged,
        AlertState.ReturnedUnacknowledged => AlertState.Normal,
        _ => null,
    };

    public static bool CanShelve(AlertState state) => state is not (AlertState.Shelved or AlertState.OutOfService);

    public static bool CanRemoveFromService(AlertState state) => state is not AlertState.OutOfService;

    /// <summary>Returns the state after unshelving or returning to service, from the condition tracked meanwhile.</summary>
    public static AlertState Resume(bool conditionActive) =>
        conditionActive ? AlertState.ActiveUnacknowledged : AlertState.Normal;
}
