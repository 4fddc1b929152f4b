using Dashboard.Security.Audit;
using Dashboard.Security.Identity;
using Dashboard.Security.Setup;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Dashboard.Security.Web;

/// <summary>Fields of the sign-in form.</summary>
public sealed class SignInForm
{
    public string? Email { get; set; }

    public string? Password { get; set; }

    public string? ReturnUrl { get; set; }
}

/// <summary>Fields of the first-start setup form.</summary>
public sealed class SetupForm
{
    public string? Token { get; set; }

    public string? Email { get; set; }

    public string? Password { get; set; }

    public string? ConfirmPassword { get; set; }
}

/// <summary>
/// The form endpoints behind the static sign-in and setup pages. They are plain HTTP endpoints because only
/// an HTTP response can set a cookie, which a Blazor circuit cannot. Each validates the form's anti-forgery
/// token and redirects (post, redirect, get), back to the page with a <see cref="SignInPageNotice"/> on failure.
/// </summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").ExcludeFromDescription();

        account.MapPost("/signin", SignInAsync)
            .AllowAnonymous()
            .RequireRateLimiting(ClientRateLimiter.PolicyName);

        account.MapPost("/setup", CompleteSetupAsync)
            .AllowAnonymous()
            .RequireRateLimiting(ClientRateLimiter.PolicyName);

        // Signing out needs no role: a user whose roles were all removed can still end the session.
        account.MapPost("/signout", SignOutAsync)
            .RequireAuthorization(new AuthorizeAttribute());

        if (app.ServiceProvider.GetRequiredService<IOptions<SecurityOptions>>().Value.Oidc.Enabled)
        {
            account.MapGet("/signin/oidc", (string? returnUrl) => Results.Challenge(
                    new AuthenticationProperties { RedirectUri = LocalUrl(returnUrl) },
                    [SecuritySchemes.Oidc]))
                .AllowAnonymous()
                .RequireRateLimiting(ClientRateLimiter.PolicyName);
        }
    }

    /// <summary>Returns <paramref name="url"/> when it is a path on this site, otherwise "/", so a link cannot redirect elsewhere.</summary>
    public static string LocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";

    private static async Task<IResult> SignInAsync(
        [FromForm] SignInForm form,
        SignInManager<DashboardUser> signIn,
        AuditLog audit,
        HttpContext context)
    {
        var returnUrl = LocalUrl(form.ReturnUrl);
        var email = form.Email?.Trim() ?? string.Empty;
        var result = email.Length == 0 || string.IsNullOrEmpty(form.Password)
            ? Microsoft.AspNetCore.Identity.SignInResult.Failed
            : await signIn.PasswordSignInAsync(email, form.Password, isPersistent: false, lockoutOnFailure: true);

        if (result.Succeeded)
        {
            await EndOtherSessionsAsync(context, keepUserSession: true);
            await audit.RecordAsync(AuditEvent.SignedIn, email, email, "password", AuditLog.RemoteAddress(context), context.RequestAborted);
            return Results.Redirect(returnUrl);
        }

        var notice = result.IsLockedOut ? SignInPageNotice.LockedOut : SignInPageNotice.Failed;
        await audit.RecordAsync(result.IsLockedOut ? AuditEvent.LockedOut : AuditEvent.SignInFailed, email, email, null, AuditLog.RemoteAddress(context), context.RequestAborted);
        return Results.Redirect($"/signin?{SignInPageNotice.QueryName}={notice}&ReturnUrl={Uri.EscapeDataString(returnUrl)}");
    }

    private static async Task<IResult> SignOutAsync(IAntiforgery antiforgery, AuditLog audit, HttpContext context)
    {
        // The form carries no other fields, so nothing else makes the framework check its token.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.BadRequest();
        }

        var name = context.User.Identity?.Name;
        await context.SignOutAsync(IdentityConstants.ApplicationScheme);
        await EndOtherSessionsAsync(context, keepUserSession: false);
        await audit.RecordAsync(AuditEvent.SignedOut, name, name, null, AuditLog.RemoteAddress(context), context.RequestAborted);
        return Results.Redirect($"/signin?{SignInPageNotice.QueryName}={SignInPageNotice.SignedOut}");
    }

    private static async Task<IResult> CompleteSetupAsync(
        [FromForm] SetupForm form,
        UserAdministration administration,
        SetupTokenService setupTokens,
        SignInManager<DashboardUser> signIn,
        UserManager<DashboardUser> users,
        AuditLog audit,
        IOptions<SecurityOptions> options,
        HttpContext context)
    {
        var token = form.Token ?? string.Empty;
        var email = form.Email?.Trim() ?? string.Empty;
        if (await administration.AnyAdministratorAsync())
        {
            return Results.Redirect($"/signin?{SignInPageNotice.QueryName}={SignInPageNotice.SetupDone}");
        }

        if (!await setupTokens.IsValidAsync(token, context.RequestAborted))
        {
            await audit.RecordAsync(AuditEvent.SetupLinkRejected, null, email, "unknown, used or expired setup token", AuditLog.RemoteAddress(context), context.RequestAborted);
            return Results.Redirect($"/setup?{SignInPageNotice.QueryName}={SignInPageNotice.SetupLinkInvalid}");
        }

        var problem = email.Length == 0 || !email.Contains('@', StringComparison.Ordinal) ? SignInPageNotice.EmailInvalid
            : form.Password != form.ConfirmPassword ? SignInPageNotice.PasswordMismatch
            : (form.Password?.Length ?? 0) < options.Value.MinimumPasswordLength ? SignInPageNotice.PasswordInvalid
            : null;
        if (problem is not null)
        {
            return Results.Redirect($"/setup?token={Uri.EscapeDataString(token)}&email={Uri.EscapeDataString(email)}&{SignInPageNotice.QueryName}={problem}");
        }

        // Claiming first lets only one of two simultaneous submissions create the administrator.
        if (!await setupTokens.TryClaimAsync(token, context.RequestAborted))
        {
            return Results.Redirect($"/setup?{SignInPageNotice.QueryName}={SignInPageNotice.SetupLinkInvalid}");
        }

        var result = await administration.CreateAdministratorAsync(email, form.Password!, context.RequestAborted);
        if (!result.Succeeded)
        {
            await setupTokens.ReleaseAsync(token, context.RequestAborted);
            var notice = result.Errors.Any(error => error.Code.StartsWith("Password", StringComparison.Ordinal)) ? SignInPageNotice.PasswordInvalid : SignInPageNotice.EmailInvalid;
            return Results.Redirect($"/setup?token={Uri.EscapeDataString(token)}&email={Uri.EscapeDataString(email)}&{SignInPageNotice.QueryName}={notice}");
        }

        await audit.RecordAsync(AuditEvent.SetupCompleted, email, email, "administrator created from the setup link", AuditLog.RemoteAddress(context), context.RequestAborted);
        var user = await users.FindByEmailAsync(email);
        await EndOtherSessionsAsync(context, keepUserSession: true);
        await signIn.SignInAsync(user!, isPersistent: false);
        return Results.Redirect("/");
    }

    /// <summary>Ends the display and single sign-on sessions of this browser, and the local one unless <paramref name="keepUserSession"/> is true.</summary>
    private static async Task EndOtherSessionsAsync(HttpContext context, bool keepUserSession)
    {
        if (!keepUserSession)
        {
            await context.SignOutAsync(IdentityConstants.ApplicationScheme);
        }

        var schemes = context.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>();
        await context.SignOutAsync(SecuritySchemes.Display);
        if (await schemes.GetSchemeAsync(SecuritySchemes.OidcSession) is not null)
        {
            await context.SignOutAsync(SecuritySchemes.OidcSession);
        }
    }
}
