using System.Security.Claims;
using Dashboard.Security;
using Dashboard.Security.ApiKeys;
using Dashboard.Security.Displays;
using Dashboard.Security.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Tests.Security;

/// <summary>
/// The permission matrix of docs/security.md, evaluated through the real policies for every role and for
/// the other kinds of principals.
/// </summary>
public sealed class PolicyMatrixTests
{
    private readonly IAuthorizationService _authorization;

    public PolicyMatrixTests()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAuthorization(options => options.AddDashboardPolicies());
        _authorization = services.BuildServiceProvider().GetRequiredService<IAuthorizationService>();
    }

    public static TheoryData<string, string, bool> Matrix()
    {
        // Rows of the table in docs/security.md: policy, role, allowed.
        var data = new TheoryData<string, string, bool>();
        string[] policies = [Policies.View, Policies.Acknowledge, Policies.Shelve, Policies.Plan, Policies.EditAlertRules, Policies.SetOutOfService, Policies.Administer];
        var allowed = new Dictionary<string, string[]>
        {
            [Roles.Viewer] = [Policies.View],
            [Roles.Operator] = [Policies.View, Policies.Acknowledge],
            [Roles.Planner] = [Policies.View, Policies.Acknowledge, Policies.Shelve, Policies.Plan],
            [Roles.Admin] = policies,
        };
        foreach (var (role, granted) in allowed)
        {
            foreach (var policy in policies)
            {
                data.Add(policy, role, granted.Contains(policy));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Role_GetsExactlyItsPermissions(string policy, string role, bool expected)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "u"), new Claim(ClaimTypes.Role, role)], "Test"));

        var result = await _authorization.AuthorizeAsync(user, policy);

        Assert.Equal(expected, result.Succeeded);
    }

    [Theory]
    [InlineData(Policies.View, true)]
    [InlineData(Policies.Acknowledge, false)]
    [InlineData(Policies.Shelve, false)]
    [InlineData(Policies.Plan, false)]
    [InlineData(Policies.EditAlertRules, false)]
    [InlineData(Policies.SetOutOfService, false)]
    [InlineData(Policies.Administer, false)]
    public async Task DisplaySession_OnlyViews(string policy, bool expected)
    {
        var display = DisplayTokenService.CreatePrincipal(new DisplayToken("t1", "hall", "north", DateTimeOffset.UnixEpoch, "admin", null, null, null));

        Assert.Equal(expected, (await _authorization.AuthorizeAsync(display, policy)).Succeeded);
    }

    [Fact]
    public async Task DisplayMarker_OverridesAddedRoles()
    {
        // Even a display principal that somehow carried the Admin role must not change anything.
        var display = DisplayTokenService.CreatePrincipal(new DisplayToken("t1", "hall", null, DateTimeOffset.UnixEpoch, "admin", null, null, null));
        ((ClaimsIdentity)display.Identity!).AddClaim(new Claim(ClaimTypes.Role, Roles.Admin));

        Assert.False((await _authorization.AuthorizeAsync(display, Policies.Administer)).Succeeded);
        Assert.False((await _authorization.AuthorizeAsync(display, Policies.Acknowledge)).Succeeded);
    }

    [Fact]
    public async Task ApiKey_ActsWithItsRole()
    {
        var key = ApiKeyService.CreatePrincipal(new ApiKeyInfo("k1", "erp", Roles.Operator, "pmd_abc", null, "admin", null, null, null, false));

        Assert.True((await _authorization.AuthorizeAsync(key, Policies.Acknowledge)).Succeeded);
        Assert.False((await _authorization.AuthorizeAsync(key, Policies.Shelve)).Succeeded);
    }

    [Fact]
    public async Task Unauthenticated_GetsNothing()
    {
        var anonymous = new ClaimsPrincipal(new ClaimsIdentity());

        foreach (var policy in Policies.Matrix.Keys)
        {
            Assert.False((await _authorization.AuthorizeAsync(anonymous, policy)).Succeeded, policy);
        }
    }

    [Fact]
    public async Task AnonymousRole_ActsWithConfiguredRole()
    {
        var anonymous = AnonymousRoleMiddleware.CreatePrincipal(Roles.Viewer);

        Assert.True((await _authorization.AuthorizeAsync(anonymous, Policies.View)).Succeeded);
        Assert.False((await _authorization.AuthorizeAsync(anonymous, Policies.Acknowledge)).Succeeded);
    }

    [Fact]
    public void FallbackPolicy_IsView()
    {
        var options = new AuthorizationOptions();

        options.AddDashboardPolicies();

        Assert.Same(options.GetPolicy(Policies.View), options.FallbackPolicy);
    }
}
