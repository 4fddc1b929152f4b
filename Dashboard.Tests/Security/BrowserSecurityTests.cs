using Dashboard.Components.Shared;
using Dashboard.Security.Displays;
using Dashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.Tests.Security;

/// <summary>
/// Headless Chromium over the live circuit: HTML in asset ids and metric names stays text on every page and
/// in chart labels, the Content-Security-Policy blocks nothing the app needs, and a revoked display shows
/// that it was disconnected.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserSecurityTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string HostileAsset = "<img src=x onerror=alert(1)>";
    private const string HostileSite = "<svg onload=alert(2)>";
    private const string HostileMetric = "<img src=x onerror=alert(3)>";

    /// <summary>
    /// Runs before any page script: records alert() calls and CSP violations, so a test detects a script that
    /// ran and one that the policy blocked.
    /// </summary>
    private const string Recorder = """
        window.__security = [];
        window.alert = message => window.__security.push('alert: ' + message);
        document.addEventListener('securitypolicyviolation', e => window.__security.push('csp: ' + e.violatedDirective + ' blocked ' + e.blockedURI));
        """;

    private DashboardHost _host = null!;

    public async Task InitializeAsync() => _host = await DashboardHost.StartAsync(new DashboardHostOptions
    {
        Settings = new Dictionary<string, string?> { ["Auth:SessionCheckInterval"] = "00:00:01" },
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task HostileNames_AreShownAsTextEverywhere()
    {
        // No configured key metric, so the asset page charts the hostile metric by default.
        var asset = new AssetKey(HostileSite, HostileAsset);
        await _host.Publisher.PublishTelemetryAsync(asset, DateTimeOffset.UtcNow, new MetricValue(HostileMetric, 1.5), new MetricValue("zeta", 2.5));
        await using var page = await OpenSignedInAsync(new Uri(_host.BaseAddress, "/"));

        await page.Page.Locator("[data-testid=asset-link]", new PageLocatorOptions { HasTextString = HostileAsset }).WaitForAsync();
        await AssertNoInjectionAsync(page.Page, "Overview");

        await page.Page.GotoAsync(new Uri(_host.BaseAddress, Display.AssetHref(asset)).ToString());
        await BrowserFixture.WaitForInteractiveAsync(page.Page);
        await page.Page.Locator("[data-testid=asset-title]", new PageLocatorOptions { HasTextString = HostileAsset }).WaitForAsync();
        await page.Page.Locator(".apexcharts-legend-text", new PageLocatorOptions { HasTextString = HostileMetric }).WaitForAsync();
        await AssertNoInjectionAsync(page.Page, "Asset");

        foreach (var path in new[] { "/alerts", "/diagnostics", "/admin/audit" })
        {
            await page.Page.GotoAsync(new Uri(_host.BaseAddress, path).ToString());
            await BrowserFixture.WaitForInteractiveAsync(page.Page);
            await AssertNoInjectionAsync(page.Page, path);
        }

        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task ContentSecurityPolicy_BlocksNothingOnAnyPage()
    {
        await _host.Publisher.PublishTelemetryAsync(new AssetKey("north", "pump-1"), DateTimeOffset.UtcNow, new MetricValue("T30", 1), new MetricValue("T50", 2));
        await using var page = await OpenSignedInAsync(new Uri(_host.BaseAddress, "/"));
        var visited = new List<string>();

        foreach (var path in new[] { "/", "/asset?site=north&id=pump-1", "/alerts", "/alerts/rules", "/diagnostics", "/admin/users", "/admin/displays", "/admin/api-keys", "/admin/audit" })
        {
            await page.Page.GotoAsync(new Uri(_host.BaseAddress, path).ToString());
            await BrowserFixture.WaitForInteractiveAsync(page.Page);
            visited.Add(path);
        }

        Assert.Equal(9, visited.Count);
        Assert.Empty(await RecordedAsync(page.Page));
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task SignInPage_RunsWithoutViolations()
    {
        await using var page = await browser.NewPageAsync();
        await page.Page.AddInitScriptAsync(Recorder);

        await page.Page.GotoAsync(new Uri(_host.BaseAddress, "/signin").ToString());
        await page.Page.Locator("[data-testid=signin-form]").WaitForAsync();

        Assert.Empty(await RecordedAsync(page.Page));
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task RevokedDisplay_ShowsDisconnectedAtOnce()
    {
        var created = await DisplayTokenTests.CreateTokenAsync(_host, null);
        await using var page = await browser.NewPageAsync();
        await page.Page.GotoAsync(new Uri(_host.BaseAddress, created.RelativeLink).ToString());
        await BrowserFixture.WaitForInteractiveAsync(page.Page);
        await page.Page.Locator("[data-testid=wall-view]").WaitForAsync();

        await _host.Get<DisplayTokenService>().RevokeAsync(created.Token.Id, TestUsers.Administrator, null, CancellationToken.None);

        await page.Page.Locator("[data-testid=wall-revoked]").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        Assert.Equal("true", await page.Page.Locator("[data-testid=wall-view]").GetAttributeAsync("data-revoked"));
        Assert.Equal(0, await page.Page.Locator("[data-testid=wall-scope]").CountAsync());
        Assert.Equal("/wall", new Uri(page.Page.Url).AbsolutePath);
    }

    [Fact]
    public async Task DisplayRevokedInDatabase_ShowsDisconnectedWithinCheck()
    {
        var created = await DisplayTokenTests.CreateTokenAsync(_host, null);
        await using var page = await browser.NewPageAsync();
        await page.Page.GotoAsync(new Uri(_host.BaseAddress, created.RelativeLink).ToString());
        await BrowserFixture.WaitForInteractiveAsync(page.Page);
        await page.Page.Locator("[data-testid=wall-view]").WaitForAsync();

        await SecurityDatabaseAccess.ExecuteAsync(_host, "UPDATE display_tokens SET revoked_at = created_at, revoked_by = 'sql' WHERE id = @id", ("@id", created.Token.Id));

        await page.Page.Locator("[data-testid=wall-revoked]").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        Assert.Equal("/wall", new Uri(page.Page.Url).AbsolutePath);
    }

    private async Task<BrowserPage> OpenSignedInAsync(Uri url)
    {
        var page = await browser.NewPageAsync();
        await page.Page.AddInitScriptAsync(Recorder);
        await page.Page.GotoAsync(url.ToString());
        await BrowserFixture.SignInAsync(page.Page, TestCredentials.AdminEmail, TestCredentials.AdminPassword);
        await BrowserFixture.WaitForInteractiveAsync(page.Page);
        return page;
    }

    /// <summary>Asserts that no element came from the hostile names and no script ran or was blocked.</summary>
    private static async Task AssertNoInjectionAsync(IPage page, string where)
    {
        var injected = await page.EvaluateAsync<int>("document.querySelectorAll('img[src=\"x\"], svg[onload], [onerror], [onload]').length");
        Assert.True(injected == 0, $"{where}: {injected} elements were created from HTML in names.");
        Assert.Empty(await RecordedAsync(page));
    }

    private static async Task<string[]> RecordedAsync(IPage page) => await page.EvaluateAsync<string[]>("window.__security ?? []");
}
