using Dashboard.Alerts;

namespace Dashboard.Tests.Alerts;

/// <summary>The pure ISA-18.2 transition table: every state against every trigger.</summary>
public sealed class AlertStateMachineTests
{
    public static TheoryData<AlertState, bool, AlertState?, AlertEventKind?> ConditionTransitions => new()
    {
        { AlertState.Normal, true, AlertState.ActiveUnacknowledged, AlertEventKind.Activated },
        { AlertState.Normal, false, null, null },
        { AlertState.ActiveUnacknowledged, true, null, null },
        { AlertState.ActiveUnacknowledged, false, AlertState.ReturnedUnacknowledged, AlertEventKind.ReturnedToNormal },
        { AlertState.ActiveAcknowledged, true, null, null },
        { AlertState.ActiveAcknowledged, false, AlertState.Normal, AlertEventKind.ReturnedToNormal },
        { AlertState.ReturnedUnacknowledged, true, AlertState.ActiveUnacknowledged, AlertEventKind.Activated },
        { AlertState.ReturnedUnacknowledged, false, null, null },
        { AlertState.Shelved, true, null, null },
        { AlertState.Shelved, false, null, null },
        { AlertState.OutOfService, true, null, null },
        { AlertState.OutOfService, false, null, null },
    };

    public static TheoryData<AlertState, AlertState?> AcknowledgeTransitions => new()
    {
        { AlertState.Normal, null },
        { AlertState.ActiveUnacknowledged, AlertState.ActiveAcknowledged },
        { AlertState.ActiveAcknowledged, null },
        { AlertState.ReturnedUnacknowledged, AlertState.Normal },
        { AlertState.Shelved, null },
        { AlertState.OutOfService, null },
    };

    public static TheoryData<AlertState, bool, bool> ShelveAndServiceCommands => new()
    {
        // State, whether it can be shelved, whether it can be taken out of service.
        { AlertState.Normal, true, true },
        { AlertState.ActiveUnacknowledged, true, true },
        { AlertState.ActiveAcknowledged, true, true },
        { AlertState.ReturnedUnacknowledged, true, true },
        { AlertState.Shelved, false, true },
        { AlertState.OutOfService, false, false },
    };

    [Theory]
    [MemberData(nameof(ConditionTransitions))]
    public void OnCondition_FollowsTable(AlertState state, bool active, AlertState? expectedState, AlertEventKind? expectedEvent)
    {
        var transition = AlertStateMachine.OnCondition(state, active);

        Assert.Equal(expectedState, transition?.State);
        Assert.Equal(expectedEvent, transition?.Event);
    }

    [Theory]
    [MemberData(nameof(AcknowledgeTransitions))]
    public void OnAcknowledge_FollowsTable(AlertState state, AlertState? expected)
    {
        Assert.Equal(expected, AlertStateMachine.OnAcknowledge(state));
    }

    [Theory]
    [MemberData(nameof(ShelveAndServiceCommands))]
    public void Commands_AllowedByState(AlertState state, bool canShelve, bool canRemoveFromService)
    {
        Assert.Equal(canShelve, AlertStateMachine.CanShelve(state));
        Assert.Equal(canRemoveFromService, AlertStateMachine.CanRemoveFromService(state));
    }

    [Fact]
    public void Resume_FollowsCondition()
    {
        Assert.Equal(AlertState.ActiveUnacknowledged, AlertStateMachine.Resume(conditionActive: true));
        Assert.Equal(AlertState.Normal, AlertStateMachine.Resume(conditionActive: false));
    }

    [Fact]
    public void RtnBeforeAck_EndsNormalAfterAck()
    {
        var state = AlertStateMachine.OnCondition(AlertState.Normal, true)!.Value.State;
        state = AlertStateMachine.OnCondition(state, false)!.Value.State;
        Assert.Equal(AlertState.ReturnedUnacknowledged, state);

        state = AlertStateMachine.OnAcknowledge(state)!.Value;

        Assert.Equal(AlertState.Normal, state);
        Assert.Null(AlertStateMachine.OnAcknowledge(state));
    }

    [Fact]
    public void AckWhileActive_ThenRtnEndsNormal()
    {
        var state = AlertStateMachine.OnCondition(AlertState.Normal, true)!.Value.State;
        state = AlertStateMachine.OnAcknowledge(state)!.Value;
        Assert.Equal(AlertState.ActiveAcknowledged, state);
        Assert.Null(AlertStateMachine.OnAcknowledge(state));

        state = AlertStateMachine.OnCondition(state, false)!.Value.State;

        Assert.Equal(AlertState.Normal, state);
    }
}
