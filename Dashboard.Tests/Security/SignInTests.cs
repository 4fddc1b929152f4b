using System.Net;
using System.Net.Http.Json;
using Dashboard.Security;
using Dashboard.Security.Audit;
using Dashboard.Security.Web;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Tests.Security;

/// <summary>Sign-in through the form endpoint: success, failure, lockout, rate limit, anti-forgery and sign-out.</summary>
public sealed class SignInTests : IAsyncLifetime
{
    private DashboardHost _host = null!;

    public async Task InitializeAsync() => _host = await DashboardHost.StartAsync(new DashboardHostOptions
    {
        Settings = new Dictionary<string, string?> { ["Auth:MaxFailedAttempts"] = "3" },
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task CorrectPassword_SignsInWithRoles()
    {
        var email = await TestUsers.CreateAsync(_host, Roles.Operator);
        using var client = new SessionClient(_host.BaseAddress);

        using var response = await client.SignInAsync(email, TestUsers.Password, "/alerts");
        var me = await client.Http.GetFromJsonAsync<CurrentPrincipalDto>("/api/security/me", DashboardApi.Json);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/alerts", response.Headers.Location?.OriginalString);
        Assert.NotNull(client.Cookie(SecuritySchemes.UserCookieName));
        Assert.Equal(email, me!.Name);
        Assert.Equal([Roles.Operator], me.Roles);
    }

    [Fact]
    public async Task WrongPassword_RedirectsWithNoticeAndAudits()
    {
        var email = await TestUsers.CreateAsync(_host, Roles.Viewer);
        using var client = new SessionClient(_host.BaseAddress);

        using var response = await client.SignInAsync(email, "not the password");
        using var page = await client.Http.GetAsync("/");
        var audit = await _host.Get<AuditLog>().ReadPageAsync(0, 50, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith($"/signin?notice={SignInPageNotice.Failed}", response.Headers.Location?.OriginalString);
        Assert.Null(client.Cookie(SecuritySchemes.UserCookieName));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains(audit.Entries, entry => entry.Event == nameof(AuditEvent.SignInFailed) && entry.Subject == email);
    }

    [Fact]
    public async Task RepeatedFailures_LockTheAccount()
    {
        var email = await TestUsers.CreateAsync(_host, Roles.Viewer);
        using var client = new SessionClient(_host.BaseAddress);

        for (var i = 0; i < 3; i++)
        {
            using var failed = await client.SignInAsync(email, "not the password");
        }

        using var response = await client.SignInAsync(email, TestUsers.Password);
        var audit = await _host.Get<AuditLog>().ReadPageAsync(0, 50, CancellationToken.None);

        Assert.StartsWith($"/signin?notice={SignInPageNotice.LockedOut}", response.Headers.Location?.OriginalString);
        Assert.Null(client.Cookie(SecuritySchemes.UserCookieName));
        Assert.Contains(audit.Entries, entry => entry.Event == nameof(AuditEvent.LockedOut) && entry.Subject == email);
    }

    [Fact]
    public async Task FormWithoutAntiforgeryToken_IsRejected()
    {
        var email = await TestUsers.CreateAsync(_host, Roles.Viewer);
        using var client = new SessionClient(_host.BaseAddress);

        using var response = await client.Http.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = TestUsers.Password,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(client.Cookie(SecuritySchemes.UserCookieName));
    }

    [Fact]
    public async Task ReturnUrl_ToOtherSite_GoesHome()
    {
        var email = await TestUsers.CreateAsync(_host, Roles.Viewer);
        using var client = new SessionClient(_host.BaseAddress);

        using var response = await client.SignInAsync(email, TestUsers.Password, "//evil.example/");

        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        var email = await TestUsers.CreateAsync(_host, Roles.Viewer);
        using var client = new SessionClient(_host.BaseAddress);
        await client.SignInSucceedsAsync(email, TestUsers.Password);
        var page = await client.Http.GetStringAsync("/");

        using var signOut = await client.Http.PostAsync("/account/signout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SessionClient.FormToken(page),
        }));
        using var after = await client.Http.GetAsync("/api/security/me");

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task SignedInPage_ShowsSignOutForm()
    {
        var email = await TestUsers.CreateAsync(_host, Roles.Viewer);
        using var client = new SessionClient(_host.BaseAddress);
        await client.SignInSucceedsAsync(email, TestUsers.Password);

        var page = await client.Http.GetStringAsync("/");

        Assert.Contains("data-testid=\"signout-form\"", page, StringComparison.Ordinal);
        Assert.Contains(email, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockedByAdmin_EndsOpenSession()
    {
        await using var host = await DashboardHost.StartAsync(new DashboardHostOptions
        {
            Settings = new Dictionary<string, string?> { ["Auth:SessionCheckInterval"] = "00:00:01" },
        });
        var email = await TestUsers.CreateAsync(host, Roles.Operator);
        using var client = new SessionClient(host.BaseAddress);
        await client.SignInSucceedsAsync(email, TestUsers.Password);
        var user = (await GetUsersAsync(host)).Single(summary => summary.Email == email);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<Dashboard.Security.Identity.UserAdministration>()
                .LockAsync(user.Id, TestUsers.Administrator, null, CancellationToken.None);
            Assert.True(result.Succeeded);
        }

        await Poll.UntilPassesAsync(async () =>
        {
            using var response = await client.Http.GetAsync("/api/security/me");
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"GET /api/security/me returned {(int)response.StatusCode}. Log:\n{host.Logs.Text()}");
        });
    }

    private static async Task<IReadOnlyList<Dashboard.Security.Identity.UserSummary>> GetUsersAsync(DashboardHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Dashboard.Security.Identity.UserAdministration>().ListAsync(CancellationToken.None);
    }
}

/// <summary>The rate limit of the sign-in endpoint, per client address.</summary>
public sealed class SignInRateLimitTests
{
    [Fact]
    public async Task SignIn_BeyondLimit_Returns429()
    {
        await using var host = await DashboardHost.StartAsync(new DashboardHostOptions
        {
            Settings = new Dictionary<string, string?> { ["Auth:SignInAttemptsPerMinute"] = "3" },
        });
        using var client = new SessionClient(host.BaseAddress);
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < 5; i++)
        {
            using var response = await client.SignInAsync("nobody@dashboard.test", "wrong password");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.Redirect], statuses.Take(3));
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses.Skip(3));
    }
}
