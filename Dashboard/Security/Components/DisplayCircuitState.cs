namespace Dashboard.Security.Components;

/// <summary>
/// Per-circuit flag that the circuit belongs to a kiosk display. After a revocation makes its user anonymous,
/// the page then shows the revoked notice instead of redirecting an unattended screen to the sign-in page.
/// </summary>
public sealed class DisplayCircuitState
{
    public bool IsDisplay { get; set; }
}
