using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;

namespace Dashboard.Security.Components.Admin;

/// <summary>Base of the admin pages: the acting administrator and a place for the last result message.</summary>
public abstract class AdminPageBase : ComponentBase
{
    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    [Inject]
    public required TimeProvider Time { get; init; }

    /// <summary>Outcome of the last action, shown above the page content; null before any action.</summary>
    protected string? Message { get; set; }

    protected bool MessageIsError { get; set; }

    /// <summary>Returns the administrator of this circuit, whom the audit log records as the actor.</summary>
    protected async Task<ClaimsPrincipal> ActorAsync() =>
        AuthenticationState is null ? new ClaimsPrincipal() : (await AuthenticationState).User;

    protected void ShowResult(IdentityResult result, string success)
    {
        MessageIsError = !result.Succeeded;
        Message = result.Succeeded ? success : string.Join(" ", result.Errors.Select(error => error.Description));
    }

    protected void ShowError(string message)
    {
        MessageIsError = true;
        Message = message;
    }

    protected void ShowSuccess(string message)
    {
        MessageIsError = false;
        Message = message;
    }
}
