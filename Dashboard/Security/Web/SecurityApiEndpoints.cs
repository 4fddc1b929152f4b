using System.Security.Claims;
using Dashboard.Security.ApiKeys;
using Dashboard.Security.Audit;
using Dashboard.Security.Displays;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Security.Web;

/// <summary>Who made a request: name, roles and how the request was authenticated.</summary>
public sealed record CurrentPrincipalDto(string? Name, IReadOnlyList<string> Roles, string? AuthenticationType, bool IsDisplay, string? DisplaySite);

/// <summary>The anti-forgery request token and the header to send it in.</summary>
public sealed record AntiforgeryTokenDto(string HeaderName, string RequestToken);

/// <summary>Request to create a kiosk display token.</summary>
public sealed record CreateDisplayTokenRequest(string Name, string? Site);

/// <summary>A created display token with its secret and link, returned once.</summary>
public sealed record CreatedDisplayTokenDto(DisplayToken Token, string Secret, string Link);

/// <summary>Request to create an API key.</summary>
public sealed record CreateApiKeyRequest(string Name, string Role);

/// <summary>A created API key with its secret, returned once.</summary>
public sealed record CreatedApiKeyDto(ApiKeyInfo Key, string Secret);

/// <summary>
/// HTTP API of the security feature under <c>/api/security</c>: the current principal, anti-forgery tokens
/// for browser pages, and administration of display tokens and API keys for automation.
/// </summary>
public static class SecurityApiEndpoints
{
    public static RouteGroupBuilder MapSecurityApiEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/security").WithTags("Security");

        api.MapGet("/me", CurrentPrincipal)
            .RequireAuthorization(Policies.View)
            .WithSummary("Name, roles and authentication type of the caller.");

        api.MapGet("/antiforgery", (IAntiforgery antiforgery, HttpContext context) =>
            {
                var tokens = antiforgery.GetAndStoreTokens(context);
                return new AntiforgeryTokenDto(tokens.HeaderName!, tokens.RequestToken!);
            })
            .RequireAuthorization(Policies.View)
            .WithSummary("An anti-forgery token for state-changing calls made with the browser session cookie; send it in the X-CSRF-TOKEN header.");

        var admin = api.MapGroup("").RequireAuthorization(Policies.Administer);
        admin.MapGet("/display-tokens", (DisplayTokenService tokens, CancellationToken cancellationToken) => tokens.ListAsync(cancellationToken))
            .WithSummary("Every kiosk display token, without secrets.");
        admin.MapPost("/display-tokens", CreateDisplayTokenAsync)
            .WithSummary("Creates a display token; the response carries its secret and link, which cannot be read again.");
        admin.MapDelete("/display-tokens/{id}", RevokeDisplayTokenAsync)
            .WithSummary("Revokes a display token; its displays are signed out within a minute.");
        admin.MapGet("/api-keys", (ApiKeyService keys, CancellationToken cancellationToken) => keys.ListAsync(cancellationToken))
            .WithSummary("Every API key, without secrets.");
        admin.MapPost("/api-keys", CreateApiKeyAsync)
            .WithSummary("Creates an API key with one role; the response carries the key, which cannot be read again.");
        admin.MapDelete("/api-keys/{id}", RevokeApiKeyAsync)
            .WithSummary("Revokes an API key.");
        admin.MapGet("/audit", ReadAuditAsync)
            .WithSummary("One page of the security audit log, newest first.");
        return api;
    }

    private static CurrentPrincipalDto CurrentPrincipal(ClaimsPrincipal user) => new(
        user.Identity?.Name,
        user.FindAll(ClaimTypes.Role).Select(claim => claim.Value).ToList(),
        user.Identity?.AuthenticationType,
        SecurityClaims.IsDisplaySession(user),
        user.FindFirst(SecurityClaims.DisplaySite)?.Value);

    private static async Task<Results<Created<CreatedDisplayTokenDto>, ValidationProblem>> CreateDisplayTokenAsync(
        CreateDisplayTokenRequest request, DisplayTokenService tokens, HttpContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > DisplayTokenService.MaxNameLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [$"The display name must be 1 to {DisplayTokenService.MaxNameLength} characters."] });
        }

        var created = await tokens.CreateAsync(request.Name, request.Site, context.User, context, context.RequestAborted);
        var link = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/{created.RelativeLink}";
        return TypedResults.Created($"/api/security/display-tokens/{created.Token.Id}", new CreatedDisplayTokenDto(created.Token, created.Secret, link));
    }

    private static async Task<Results<NoContent, NotFound>> RevokeDisplayTokenAsync(string id, DisplayTokenService tokens, HttpContext context) =>
        await tokens.RevokeAsync(id, context.User, context, context.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Created<CreatedApiKeyDto>, ValidationProblem>> CreateApiKeyAsync(
        CreateApiKeyRequest request, ApiKeyService keys, HttpContext context)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > ApiKeyService.MaxNameLength)
        {
            errors["name"] = [$"The key name must be 1 to {ApiKeyService.MaxNameLength} characters."];
        }

        if (Roles.Canonical(request.Role) is null)
        {
            errors["role"] = [$"The role must be one of {string.Join(", ", Roles.All)}, but is '{request.Role}'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var created = await keys.CreateAsync(request.Name, request.Role, context.User, context, context.RequestAborted);
        return TypedResults.Created($"/api/security/api-keys/{created.Info.Id}", new CreatedApiKeyDto(created.Info, created.Key));
    }

    private static async Task<Results<NoContent, NotFound>> RevokeApiKeyAsync(string id, ApiKeyService keys, HttpContext context) =>
        await keys.RevokeAsync(id, context.User, context, context.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> ReadAuditAsync(int? page, int? pageSize, AuditLog audit, CancellationToken cancellationToken)
    {
        var size = pageSize ?? 50;
        if (page < 0 || size is < 1 or > AuditLog.MaxPageSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["page"] = [$"'page' must be 0 or more and 'pageSize' between 1 and {AuditLog.MaxPageSize}."],
            });
        }

        return TypedResults.Ok(await audit.ReadPageAsync(page ?? 0, size, cancellationToken));
    }
}
