using System.Net;
using Dashboard.Security;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Security;

/// <summary>
/// Sessions outlive the process: the data-protection keys and the tokens are in the product database, so a
/// display and a user stay signed in when the app is stopped and a new one starts on the same data.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RestartTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(ProviderHosts.Sqlite)]
    [InlineData(ProviderHosts.Postgres)]
    public async Task DisplaySession_SurvivesRestart(string provider)
    {
        var hosts = new ProviderHosts(postgres, provider);
        Cookie cookie;
        await using (var first = await hosts.StartAsync())
        {
            var created = await DisplayTokenTests.CreateTokenAsync(first, null);
            using var browser = new SessionClient(first.BaseAddress);
            using var exchange = await browser.Http.GetAsync($"/wall?token={created.Secret}");
            cookie = browser.Cookies.GetCookies(first.BaseAddress).Single(c => c.Name == SecuritySchemes.DisplayCookieName);
        }

        await using var second = await hosts.StartAsync();
        using var restarted = new SessionClient(second.BaseAddress);
        restarted.Cookies.Add(second.BaseAddress, new Cookie(cookie.Name, cookie.Value));
        using var wall = await restarted.Http.GetAsync("/wall");

        Assert.Equal(HttpStatusCode.OK, wall.StatusCode);
        Assert.Contains("data-testid=\"wall-view\"", await wall.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ProviderHosts.Sqlite)]
    [InlineData(ProviderHosts.Postgres)]
    public async Task RevokedApiKey_StaysRevokedAfterRestart(string provider)
    {
        var hosts = new ProviderHosts(postgres, provider);
        string key;
        await using (var first = await hosts.StartAsync())
        {
            var created = await first.Get<Dashboard.Security.ApiKeys.ApiKeyService>().CreateAsync("erp", Roles.Viewer, TestUsers.Administrator, null, CancellationToken.None);
            key = created.Key;
            Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(first, key));
            await first.Get<Dashboard.Security.ApiKeys.ApiKeyService>().RevokeAsync(created.Info.Id, TestUsers.Administrator, null, CancellationToken.None);
            Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(first, key));
        }

        await using var second = await hosts.StartAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(second, key));
    }

    [Theory]
    [InlineData(ProviderHosts.Sqlite)]
    [InlineData(ProviderHosts.Postgres)]
    public async Task UserSession_SurvivesRestart(string provider)
    {
        var hosts = new ProviderHosts(postgres, provider);
        Cookie cookie;
        await using (var first = await hosts.StartAsync())
        {
            using var browser = new SessionClient(first.BaseAddress);
            await browser.SignInSucceedsAsync(TestCredentials.AdminEmail, TestCredentials.AdminPassword);
            cookie = browser.Cookies.GetCookies(first.BaseAddress).Single(c => c.Name == SecuritySchemes.UserCookieName);
        }

        await using var second = await hosts.StartAsync();
        using var restarted = new SessionClient(second.BaseAddress);
        restarted.Cookies.Add(second.BaseAddress, new Cookie(cookie.Name, cookie.Value));
        using var me = await restarted.Http.GetAsync("/api/security/me");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    private static async Task<HttpStatusCode> GetStatusAsync(DashboardHost host, string key)
    {
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await client.GetAsync("/api/assets");
        return response.StatusCode;
    }
}
