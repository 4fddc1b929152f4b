using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dashboard.Security;
using Dashboard.Security.Web;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Dashboard.Tests.Security;

/// <summary>
/// First start without Admin:Email and Admin:Password: a one-time setup link in the log at Warning leads to
/// the form that creates the administrator and signs them in.
/// </summary>
public sealed partial class SetupTests
{
    [Fact]
    public async Task SetupLink_CreatesAdministratorOnce()
    {
        await using var host = await StartWithoutAdminAsync();
        var link = await SetupLinkAsync(host);
        using var client = new SessionClient(host.BaseAddress);

        var form = await client.Http.GetStringAsync(link.PathAndQuery);
        using var response = await PostSetupAsync(client, form, Token(link), "first@dashboard.test", TestUsers.Password, TestUsers.Password);
        var me = await client.Http.GetFromJsonAsync<CurrentPrincipalDto>("/api/security/me", DashboardApi.Json);
        var reused = await client.Http.GetStringAsync(link.PathAndQuery);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.Equal("first@dashboard.test", me!.Name);
        Assert.Equal([Roles.Admin], me.Roles);
        Assert.DoesNotContain("data-testid=\"setup-form\"", reused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetupLink_IsLoggedAtWarning()
    {
        await using var host = await StartWithoutAdminAsync();

        var line = await Eventually.ValueAsync(() => host.Logs.Lines.FirstOrDefault(l => l.EventId.Id == 5002));

        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains($"{host.BaseAddress}setup?token=", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MismatchedPasswords_KeepLinkUsable()
    {
        await using var host = await StartWithoutAdminAsync();
        var link = await SetupLinkAsync(host);
        using var client = new SessionClient(host.BaseAddress);

        var form = await client.Http.GetStringAsync(link.PathAndQuery);
        using var response = await PostSetupAsync(client, form, Token(link), "first@dashboard.test", TestUsers.Password, "something else entirely");
        var again = await client.Http.GetStringAsync(link.PathAndQuery);

        Assert.Contains($"notice={SignInPageNotice.PasswordMismatch}", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"setup-form\"", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShortPassword_IsRejected()
    {
        await using var host = await StartWithoutAdminAsync();
        var link = await SetupLinkAsync(host);
        using var client = new SessionClient(host.BaseAddress);

        var form = await client.Http.GetStringAsync(link.PathAndQuery);
        using var response = await PostSetupAsync(client, form, Token(link), "first@dashboard.test", "short", "short");

        Assert.Contains($"notice={SignInPageNotice.PasswordInvalid}", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Null(client.Cookie(SecuritySchemes.UserCookieName));
    }

    [Fact]
    public async Task ExpiredLink_IsRejected()
    {
        await using var host = await StartWithoutAdminAsync(("Auth:SetupLinkLifetime", "00:00:02"));
        var link = await SetupLinkAsync(host);
        using var client = new SessionClient(host.BaseAddress);

        // The sign-in page supplies the anti-forgery token, because the setup page of an expired link has no form.
        var form = await client.Http.GetStringAsync("/signin");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        using var response = await PostSetupAsync(client, form, Token(link), "first@dashboard.test", TestUsers.Password, TestUsers.Password);

        Assert.Contains($"notice={SignInPageNotice.SetupLinkInvalid}", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Null(client.Cookie(SecuritySchemes.UserCookieName));
    }

    [Fact]
    public async Task WrongToken_IsRejected()
    {
        await using var host = await StartWithoutAdminAsync();
        var link = await SetupLinkAsync(host);
        using var client = new SessionClient(host.BaseAddress);
        var form = await client.Http.GetStringAsync(link.PathAndQuery);

        using var response = await PostSetupAsync(client, form, "not-the-token", "first@dashboard.test", TestUsers.Password, TestUsers.Password);

        Assert.Contains($"notice={SignInPageNotice.SetupLinkInvalid}", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredAdmin_PrintsNoLink()
    {
        await using var host = await DashboardHost.StartAsync();
        using var client = new SessionClient(host.BaseAddress);

        await client.SignInSucceedsAsync(TestCredentials.AdminEmail, TestCredentials.AdminPassword);

        Assert.DoesNotContain(host.Logs.Lines, line => line.EventId.Id == 5002);
    }

    private static Task<DashboardHost> StartWithoutAdminAsync(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["Admin:Email"] = "", ["Admin:Password"] = "" };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        return DashboardHost.StartAsync(new DashboardHostOptions { Settings = values });
    }

    private static async Task<Uri> SetupLinkAsync(DashboardHost host)
    {
        var line = await Eventually.ValueAsync(() => host.Logs.Lines.FirstOrDefault(l => l.EventId.Id == 5002));
        return new Uri(LinkPattern().Match(line.Message).Value);
    }

    private static string Token(Uri link) => link.Query["?token=".Length..];

    private static Task<HttpResponseMessage> PostSetupAsync(SessionClient client, string form, string token, string email, string password, string confirm) =>
        client.Http.PostAsync("/account/setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SessionClient.FormToken(form),
            ["Token"] = token,
            ["Email"] = email,
            ["Password"] = password,
            ["ConfirmPassword"] = confirm,
        }));

    [GeneratedRegex(@"http://\S+/setup\?token=[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();
}
