using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;

namespace Dashboard.Components.Shared;

/// <summary>What a user may do; each value is checked against the authorization policy of the same name.</summary>
public enum UserPermission
{
    View,
    Acknowledge,
    Shelve,
    Plan,
    Administer,
    SetOutOfService,
}

/// <summary>
/// Answers whether the circuit's user may do something, through the app's authorization policies, so
/// components hide the buttons that the API would refuse.
/// </summary>
public sealed class UserPermissions(AuthenticationStateProvider authentication, IAuthorizationService authorization)
{
    public static string PolicyName(UserPermission permission) => "Can" + permission;

    public async Task<bool> CanAsync(UserPermission permission)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        return (await authorization.AuthorizeAsync(user, PolicyName(permission))).Succeeded;
    }
}
