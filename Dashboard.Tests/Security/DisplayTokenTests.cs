using System.Net;
using System.Net.Http.Json;
using Dashboard.Api;
using Dashboard.Security;
using Dashboard.Security.Displays;
using Dashboard.Security.Web;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Tests.Security;

/// <summary>Kiosk display links, sessions and revocation on the embedded SQLite store.</summary>
public sealed class DisplayTokenTests : IAsyncLifetime
{
    private DashboardHost _host = null!;

    public async Task InitializeAsync() => _host = await DashboardHost.StartAsync(new DashboardHostOptions
    {
        Settings = new Dictionary<string, string?> { ["Auth:SessionCheckInterval"] = "00:00:01" },
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Link_ExchangesTokenForCookie()
    {
        var created = await CreateTokenAsync(_host, "north");
        using var display = new SessionClient(_host.BaseAddress);

        using var response = await display.Http.GetAsync($"/wall/north?token={created.Secret}&zoom=2");
        var me = await display.Http.GetFromJsonAsync<CurrentPrincipalDto>("/api/security/me", DashboardApi.Json);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/wall/north?zoom=2", response.Headers.Location?.OriginalString);
        Assert.NotNull(display.Cookie(SecuritySchemes.DisplayCookieName));
        Assert.True(me!.IsDisplay);
        Assert.Equal([Roles.Viewer], me.Roles);
        Assert.Equal("north", me.DisplaySite);
    }

    [Fact]
    public async Task DisplayCookie_IsLongLived()
    {
        var created = await CreateTokenAsync(_host, null);
        using var display = new SessionClient(_host.BaseAddress);

        using var response = await display.Http.GetAsync($"/wall?token={created.Secret}");
        var cookie = display.Cookies.GetCookies(_host.BaseAddress).Single(c => c.Name == SecuritySchemes.DisplayCookieName);

        Assert.True(cookie.Expires > DateTime.Now.AddDays(399), $"The display cookie expires at {cookie.Expires}.");
        Assert.True(cookie.HttpOnly);
    }

    [Fact]
    public async Task DisplaySession_ViewsButNeverChanges()
    {
        var created = await CreateTokenAsync(_host, null);
        using var display = new SessionClient(_host.BaseAddress);
        using var exchange = await display.Http.GetAsync($"/wall?token={created.Secret}");

        using var wall = await display.Http.GetAsync("/wall");
        using var assets = await display.Http.GetAsync("/api/assets");
        using var acknowledge = await display.PostJsonAsync("/api/alerts/1/ack", new AcknowledgeRequest("from the wall"), antiforgery: true);
        using var admin = await display.Http.GetAsync("/api/security/display-tokens");

        Assert.Equal(HttpStatusCode.OK, wall.StatusCode);
        Assert.Contains("data-testid=\"wall-view\"", await wall.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, assets.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, acknowledge.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
    }

    [Fact]
    public async Task UnknownToken_LeadsToSignInWithNotice()
    {
        using var display = new SessionClient(_host.BaseAddress);

        using var response = await display.Http.GetAsync("/wall?token=not-a-token");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/signin?notice={SignInPageNotice.DisplayLinkInvalid}", response.Headers.Location?.OriginalString);
        Assert.Null(display.Cookie(SecuritySchemes.DisplayCookieName));
    }

    [Fact]
    public async Task RevokedToken_EndsSessionAndLink()
    {
        var created = await CreateTokenAsync(_host, null);
        using var display = new SessionClient(_host.BaseAddress);
        using var exchange = await display.Http.GetAsync($"/wall?token={created.Secret}");

        Assert.True(await _host.Get<DisplayTokenService>().RevokeAsync(created.Token.Id, TestUsers.Administrator, null, CancellationToken.None));
        using var wall = await display.Http.GetAsync("/wall");
        using var api = await display.Http.GetAsync("/api/assets");
        using var link = await new SessionClient(_host.BaseAddress).Http.GetAsync($"/wall?token={created.Secret}");

        Assert.Equal(HttpStatusCode.Redirect, wall.StatusCode);
        Assert.Equal("/signin", wall.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal($"/signin?notice={SignInPageNotice.DisplayLinkInvalid}", link.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task RevokedInDatabase_EndsSessionWithinCheckInterval()
    {
        // Another instance, or an administrator with SQL, revokes the token: this instance finds out by its periodic check.
        var created = await CreateTokenAsync(_host, null);
        using var display = new SessionClient(_host.BaseAddress);
        using var exchange = await display.Http.GetAsync($"/wall?token={created.Secret}");
        using var before = await display.Http.GetAsync("/api/assets");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await SecurityDatabaseAccess.ExecuteAsync(_host, "UPDATE display_tokens SET revoked_at = created_at, revoked_by = 'sql' WHERE id = @id", ("@id", created.Token.Id));

        await Poll.UntilPassesAsync(async () =>
        {
            using var response = await display.Http.GetAsync("/api/assets");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task UserSignIn_ReplacesDisplaySession()
    {
        var created = await CreateTokenAsync(_host, null);
        var email = await TestUsers.CreateAsync(_host, Roles.Operator);
        using var browser = new SessionClient(_host.BaseAddress);
        using var exchange = await browser.Http.GetAsync($"/wall?token={created.Secret}");

        await browser.SignInSucceedsAsync(email, TestUsers.Password);
        var me = await browser.Http.GetFromJsonAsync<CurrentPrincipalDto>("/api/security/me", DashboardApi.Json);

        Assert.False(me!.IsDisplay);
        Assert.Equal(email, me.Name);
        Assert.Null(browser.Cookie(SecuritySchemes.DisplayCookieName));
    }

    internal static Task<CreatedDisplayToken> CreateTokenAsync(DashboardHost host, string? site) =>
        host.Get<DisplayTokenService>().CreateAsync("test display", site, TestUsers.Administrator, null, CancellationToken.None);
}

/// <summary>Direct SQL on the app's security database, for changes that another instance would make.</summary>
internal static class SecurityDatabaseAccess
{
    public static async Task ExecuteAsync(DashboardHost host, string sql, params (string Name, object Value)[] parameters)
    {
        var database = host.Get<Dashboard.Security.Data.SecurityDatabase>();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
