using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Dashboard.Security;
using Dashboard.Security.Identity;
using Dashboard.Security.Web;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Tests.Security;

/// <summary>
/// A browser-like HTTP client: it keeps cookies, does not follow redirects (tests assert them), and signs
/// in through the real sign-in form with its anti-forgery token.
/// </summary>
public sealed partial class SessionClient : IDisposable
{
    private readonly HttpClientHandler _handler;

    public SessionClient(Uri baseAddress)
    {
        _handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true };
        Http = new HttpClient(_handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    public CookieContainer Cookies => _handler.CookieContainer;

    /// <summary>Returns the value of a cookie the app set, or null.</summary>
    public string? Cookie(string name) => Cookies.GetCookies(Http.BaseAddress!).FirstOrDefault(cookie => cookie.Name == name)?.Value;

    /// <summary>Opens the sign-in page, posts the form and returns the form post's response (a redirect).</summary>
    public async Task<HttpResponseMessage> SignInAsync(string email, string password, string returnUrl = "/")
    {
        var form = await Http.GetStringAsync("/signin");
        return await Http.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = FormToken(form),
            ["Email"] = email,
            ["Password"] = password,
            ["ReturnUrl"] = returnUrl,
        }));
    }

    /// <summary>Signs in and fails the test unless the app redirects to the return address.</summary>
    public async Task SignInSucceedsAsync(string email, string password)
    {
        using var response = await SignInAsync(email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    /// <summary>Returns the anti-forgery request token for this session from <c>GET /api/security/antiforgery</c>.</summary>
    public async Task<string> AntiforgeryTokenAsync()
    {
        var token = await Http.GetFromJsonAsync<AntiforgeryTokenDto>("/api/security/antiforgery", DashboardApi.Json);
        return token!.RequestToken;
    }

    /// <summary>Posts JSON, with the session's anti-forgery token in its header when <paramref name="antiforgery"/> is true.</summary>
    public async Task<HttpResponseMessage> PostJsonAsync(string path, object body, bool antiforgery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (antiforgery)
        {
            request.Headers.Add(SecuritySchemes.AntiforgeryHeader, await AntiforgeryTokenAsync());
        }

        return await Http.SendAsync(request);
    }

    public void Dispose() => Http.Dispose();

    /// <summary>Returns the anti-forgery token of the first form on a page.</summary>
    public static string FormToken(string html) =>
        FormTokenPattern().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups["token"].Value)
            : throw new InvalidOperationException("The page has no anti-forgery token field:\n" + html);

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"(?<token>[^\"]+)\"")]
    private static partial Regex FormTokenPattern();
}

/// <summary>Accounts for tests, created through the app's own administration service.</summary>
public static class TestUsers
{
    public const string Password = "a long enough password";

    /// <summary>Creates a user with one role and returns its email address.</summary>
    public static async Task<string> CreateAsync(DashboardHost host, string role, string? email = null)
    {
        email ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@dashboard.test";
        await using var scope = host.Services.CreateAsyncScope();
        var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var result = await administration.CreateAsync(email, Password, [role], Administrator, null, CancellationToken.None);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(error => error.Description)));
        return email;
    }

    /// <summary>A principal of the Admin role for calls of the administration services.</summary>
    public static ClaimsPrincipal Administrator { get; } = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "test administrator"), new Claim(ClaimTypes.Role, Roles.Admin)], "Test"));
}

/// <summary>Waits for a value that another thread produces, such as a log line.</summary>
public static class Eventually
{
    /// <summary>Returns the first non-null result of <paramref name="get"/>; fails after <paramref name="timeout"/>.</summary>
    public static async Task<T> ValueAsync<T>(Func<T?> get, TimeSpan? timeout = null)
        where T : class
    {
        T? value = null;
        await Poll.UntilPassesAsync(() => Assert.NotNull(value = get()), timeout);
        return value!;
    }
}
