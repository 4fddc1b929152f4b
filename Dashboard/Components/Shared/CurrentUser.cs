using Dashboard.Api;
using Microsoft.AspNetCore.Components.Authorization;

namespace Dashboard.Components.Shared;

/// <summary>The signed-in user of a circuit, as the journal names it.</summary>
public sealed class CurrentUser(AuthenticationStateProvider provider)
{
    public async Task<string> NameAsync() => AlertEndpoints.UserName((await provider.GetAuthenticationStateAsync()).User);
}
