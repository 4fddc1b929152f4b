using Dashboard.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;

namespace Dashboard.Security.Web;

/// <summary>
/// Requires a valid anti-forgery token on every state-changing API call (POST, PUT, PATCH, DELETE) that is
/// not authenticated by an API key, so another site cannot make a signed-in browser change anything.
/// </summary>
/// <remarks>
/// The token comes from <c>GET /api/security/antiforgery</c> and goes in the
/// <see cref="SecuritySchemes.AntiforgeryHeader"/> header. API keys are exempt: a browser never sends them
/// on its own. Calls under the anonymous role are not exempt, because any site can make a browser send them.
/// </remarks>
public sealed class ApiAntiforgeryMiddleware(RequestDelegate next, IAntiforgery antiforgery, ILogger<ApiAntiforgeryMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!SchemeSelector.IsApiRequest(context.Request)
            || !IsStateChanging(context.Request.Method)
            || context.User.Identity?.AuthenticationType == SecuritySchemes.ApiKey)
        {
            await next(context);
            return;
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            LogMessages.AntiforgeryRejected(logger, context.Request.Method, context.Request.Path);
            context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
            await Results.Problem(
                title: "Anti-forgery token missing or invalid",
                detail: $"State-changing calls made with a browser session need the token from GET /api/security/antiforgery in the {SecuritySchemes.AntiforgeryHeader} header. Integrations send an API key instead.",
                statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    public static bool IsStateChanging(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);
}
