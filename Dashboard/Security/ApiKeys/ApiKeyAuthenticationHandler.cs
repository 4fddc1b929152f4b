using System.Text.Encodings.Web;
using Dashboard.Hosting;
using Dashboard.Security.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Dashboard.Security.ApiKeys;

/// <summary>
/// Authenticates a request by the API key in <c>Authorization: Bearer …</c> or <c>X-Api-Key: …</c>.
/// A challenge returns 401 with <c>WWW-Authenticate: Bearer</c>.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyService keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string BearerPrefix = "Bearer ";

    /// <summary>Returns whether the request carries an API key header, bearer or X-Api-Key.</summary>
    public static bool HasKey(HttpRequest request) =>
        request.Headers.ContainsKey(SecuritySchemes.ApiKeyHeader)
        || request.Headers.Authorization.ToString().StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (await keys.AuthenticateAsync(key, Context.RequestAborted) is not { } info)
        {
            // The key itself is never logged.
            LogMessages.ApiKeyRejected(Logger, Context.Connection.RemoteIpAddress?.ToString() ?? "-");
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(ApiKeyService.CreatePrincipal(info), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer");
        return ApiChallenge.WriteAsync(Context, StatusCodes.Status401Unauthorized);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiChallenge.WriteAsync(Context, StatusCodes.Status403Forbidden);

    private static string? ReadKey(HttpRequest request)
    {
        var header = request.Headers[SecuritySchemes.ApiKeyHeader].ToString();
        if (header.Length > 0)
        {
            return header.Trim();
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) ? authorization[BearerPrefix.Length..].Trim() : null;
    }
}
