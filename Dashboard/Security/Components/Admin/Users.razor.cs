using System.Security.Claims;
using Dashboard.Components.Shared;
using Dashboard.Security.Identity;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Dashboard.Security.Components.Admin;

public partial class Users
{
    private IReadOnlyList<UserSummary> _users = [];
    private UserSummary? _selected;
    private string _newEmail = string.Empty;
    private string _newPassword = string.Empty;
    private IReadOnlyCollection<string> _newRoles = [Roles.Viewer];
    private IReadOnlyCollection<string> _editRoles = [];
    private string _resetPassword = string.Empty;

    [Inject]
    public required UserAdministration Administration { get; init; }

    [Inject]
    public required IOptions<SecurityOptions> Options { get; init; }

    private string PasswordHelp => $"At least {Options.Value.MinimumPasswordLength} characters";

    protected override Task OnInitializedAsync() => ReloadAsync();

    private async Task ReloadAsync()
    {
        _users = await Administration.ListAsync(CancellationToken.None);
        if (_selected is not null)
        {
            _selected = _users.FirstOrDefault(user => user.Id == _selected.Id);
        }
    }

    private string StatusText(UserSummary user) =>
        user.LockedUntil is { } until && until > Time.GetUtcNow()
            ? until == DateTimeOffset.MaxValue ? "Locked by an administrator" : $"Locked until {Display.Timestamp(until)}"
            : user.FailedAttempts > 0 ? $"Active, {user.FailedAttempts} failed sign-ins" : "Active";

    private void Select(UserSummary user)
    {
        _selected = user;
        _editRoles = user.Roles;
        _resetPassword = string.Empty;
        Message = null;
    }

    private async Task CreateAsync()
    {
        var result = await Administration.CreateAsync(_newEmail, _newPassword, _newRoles.ToList(), await ActorAsync(), null, CancellationToken.None);
        ShowResult(result, $"Created {_newEmail}.");
        if (result.Succeeded)
        {
            _newEmail = string.Empty;
            _newPassword = string.Empty;
            await ReloadAsync();
        }
    }

    private Task SaveRolesAsync() => RunAsync(
        (user, actor) => Administration.SetRolesAsync(user.Id, _editRoles.ToList(), actor, null, CancellationToken.None),
        "Saved the roles; the user's open sessions end within a minute.");

    private async Task ResetPasswordAsync()
    {
        await RunAsync(
            (user, actor) => Administration.ResetPasswordAsync(user.Id, _resetPassword, actor, null, CancellationToken.None),
            "Set the new password; the user's open sessions end within a minute.");
        _resetPassword = string.Empty;
    }

    private Task LockAsync() => RunAsync(
        (user, actor) => Administration.LockAsync(user.Id, actor, null, CancellationToken.None),
        "Locked the account; its open sessions end within a minute.");

    private Task UnlockAsync() => RunAsync(
        (user, actor) => Administration.UnlockAsync(user.Id, actor, null, CancellationToken.None),
        "Unlocked the account.");

    /// <summary>Runs an action on the selected user as the current administrator, then shows its result and reloads.</summary>
    private async Task RunAsync(Func<UserSummary, ClaimsPrincipal, Task<IdentityResult>> action, string success)
    {
        if (_selected is not { } user)
        {
            return;
        }

        ShowResult(await action(user, await ActorAsync()), success);
        await ReloadAsync();
    }
}
