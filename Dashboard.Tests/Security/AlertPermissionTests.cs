using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Bunit;
using Dashboard.Alerts;
using Dashboard.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Dashboard.Security;
using Dashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Tests.Security;

/// <summary>
/// Acknowledging an alert through the real endpoint <c>POST /api/alerts/{id}/ack</c>: a Viewer gets 403 and
/// an Operator acknowledges.
/// </summary>
public sealed class AlertAcknowledgeApiTests : IAsyncLifetime
{
    private DashboardHost _host = null!;

    public async Task InitializeAsync() => _host = await DashboardHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Viewer_GetsForbidden()
    {
        var alertId = await RaiseAlertAsync();
        using var viewer = new SessionClient(_host.BaseAddress);
        await viewer.SignInSucceedsAsync(await TestUsers.CreateAsync(_host, Roles.Viewer), TestUsers.Password);

        using var response = await viewer.PostJsonAsync($"/api/alerts/{alertId}/ack", new AcknowledgeRequest("seen"), antiforgery: true);
        var alert = await _host.Http.GetFromJsonAsync<AlertDto>($"/api/alerts/{alertId}", DashboardApi.Json);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(alert!.AcknowledgedBy);
    }

    [Fact]
    public async Task Operator_Acknowledges()
    {
        var alertId = await RaiseAlertAsync();
        var email = await TestUsers.CreateAsync(_host, Roles.Operator);
        using var supervisor = new SessionClient(_host.BaseAddress);
        await supervisor.SignInSucceedsAsync(email, TestUsers.Password);

        using var response = await supervisor.PostJsonAsync($"/api/alerts/{alertId}/ack", new AcknowledgeRequest("seen"), antiforgery: true);
        var alert = await _host.Http.GetFromJsonAsync<AlertDto>($"/api/alerts/{alertId}", DashboardApi.Json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(email, alert!.AcknowledgedBy);
    }

    [Fact]
    public async Task Operator_CannotShelve()
    {
        var alertId = await RaiseAlertAsync();
        using var supervisor = new SessionClient(_host.BaseAddress);
        await supervisor.SignInSucceedsAsync(await TestUsers.CreateAsync(_host, Roles.Operator), TestUsers.Password);

        using var response = await supervisor.PostJsonAsync($"/api/alerts/{alertId}/shelve", new ShelveRequest("maintenance", 30), antiforgery: true);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>Saves a rule without delays and publishes a reading above it; returns the id of the alert it raises.</summary>
    private async Task<long> RaiseAlertAsync()
    {
        var asset = new AssetKey("security", $"pump-{Guid.NewGuid():N}"[..13]);
        var rule = new AlertRule(0, "test high", RuleKind.High, asset.Site, asset.Asset, "temp", 10, 1,
            TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, AlertPriority.High, "{asset} temp {value}", true);
        await _host.Get<AlertService>().SaveRuleAsync(rule, "test", CancellationToken.None);
        await _host.Publisher.PublishTelemetryAsync(asset, DateTimeOffset.UtcNow, new MetricValue("temp", 50));

        AlertDto? raised = null;
        await Poll.UntilPassesAsync(async () =>
        {
            var page = await _host.Http.GetFromJsonAsync<AlertPageDto>($"/api/alerts/?asset={Uri.EscapeDataString(asset.Asset)}", DashboardApi.Json);
            raised = Assert.Single(page!.Items);
        });
        return raised!.Id;
    }
}

/// <summary>
/// An acknowledge button behind <c>AuthorizeView Policy="CanAcknowledge"</c>, rendered with the real policies:
/// a Viewer and a display see no button, an Operator does.
/// </summary>
/// <remarks>
/// NOTE: this renders <see cref="AcknowledgeButtonProbe"/> rather than the Alerts page, whose grid needs the
/// alert store and engine; the Alerts page checks the same policies through UserPermissions.
/// </remarks>
public sealed class AlertAcknowledgeButtonTests : BunitContext
{
    [Theory]
    [InlineData(Roles.Viewer, false)]
    [InlineData(Roles.Operator, true)]
    [InlineData(Roles.Planner, true)]
    [InlineData(Roles.Admin, true)]
    public void AcknowledgeButton_FollowsPolicy(string role, bool expected)
    {
        SetUser(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "u"), new Claim(ClaimTypes.Role, role)], "Test")));

        var cut = Render<CascadingAuthenticationState>(parameters => parameters.AddChildContent<AcknowledgeButtonProbe>());

        // The view renders one of the two once the policy is evaluated.
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid='ack'], [data-testid='ack-hidden']")));
        Assert.Equal(expected, cut.FindAll("[data-testid='ack']").Count == 1);
    }

    [Fact]
    public void DisplaySession_SeesNoAcknowledgeButton()
    {
        SetUser(Dashboard.Security.Displays.DisplayTokenService.CreatePrincipal(
            new Dashboard.Security.Displays.DisplayToken("t", "wall", null, DateTimeOffset.UnixEpoch, "admin", null, null, null)));

        var cut = Render<CascadingAuthenticationState>(parameters => parameters.AddChildContent<AcknowledgeButtonProbe>());

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid='ack'], [data-testid='ack-hidden']")));
        Assert.Empty(cut.FindAll("[data-testid='ack']"));
    }

    private void SetUser(ClaimsPrincipal user)
    {
        // bUnit registers placeholders that throw; the real policies replace them.
        Services.RemoveAll<IAuthorizationService>();
        Services.RemoveAll<IAuthorizationPolicyProvider>();
        Services.RemoveAll<AuthenticationStateProvider>();
        Services.AddLogging();
        Services.AddAuthorization(options => options.AddDashboardPolicies());
        Services.AddSingleton<AuthenticationStateProvider>(new FixedAuthenticationStateProvider(user));
    }

    private sealed class FixedAuthenticationStateProvider(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}

/// <summary>A test-only component: an acknowledge button that only the Acknowledge policy shows.</summary>
public sealed class AcknowledgeButtonProbe : ComponentBase
{
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenComponent<AuthorizeView>(2);
        builder.AddComponentParameter(3, nameof(AuthorizeView.Policy), Policies.Acknowledge);
        builder.AddComponentParameter(4, nameof(AuthorizeView.Authorized), (RenderFragment<AuthenticationState>)(_ => button =>
        {
            button.OpenElement(0, "button");
            button.AddAttribute(1, "data-testid", "ack");
            button.AddContent(2, "Acknowledge");
            button.CloseElement();
        }));
        builder.AddComponentParameter(5, nameof(AuthorizeView.NotAuthorized), (RenderFragment<AuthenticationState>)(_ => hidden =>
        {
            hidden.OpenElement(0, "span");
            hidden.AddAttribute(1, "data-testid", "ack-hidden");
            hidden.CloseElement();
        }));
        builder.CloseComponent();
    }
}
