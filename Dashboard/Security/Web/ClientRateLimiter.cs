using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Dashboard.Security.Web;

/// <summary>
/// Fixed one-minute windows of <see cref="SecurityOptions.SignInAttemptsPerMinute"/> requests per client
/// address, for the credential-checking requests that are not endpoints of their own (display links). The
/// sign-in and setup endpoints use the ASP.NET Core rate limiter policy <see cref="PolicyName"/> with the same
/// limit.
/// </summary>
public sealed class ClientRateLimiter : IDisposable
{
    /// <summary>Name of the rate limiter policy on the sign-in and setup endpoints.</summary>
    public const string PolicyName = "sign-in";

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<HttpContext> _limiter;

    public ClientRateLimiter(IOptions<SecurityOptions> options)
    {
        var permits = options.Value.SignInAttemptsPerMinute;
        _limiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, permits));
    }

    public ValueTask<RateLimitLease> AcquireAsync(HttpContext context) => _limiter.AcquireAsync(context, 1, context.RequestAborted);

    public void Dispose() => _limiter.Dispose();

    /// <summary>
    /// Writes the 429 response with a body, so the status code pages do not replace it with the not-found
    /// page (which would redirect an anonymous client to sign-in instead of telling it to wait).
    /// </summary>
    public static async ValueTask WriteRejectionAsync(HttpContext context)
    {
        context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = ((int)Window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("Too many sign-in attempts from this address. Wait a minute and try again.", context.RequestAborted);
    }

    /// <summary>Returns the fixed-window partition of the request's client address.</summary>
    public static RateLimitPartition<string> Partition(HttpContext context, int permitsPerMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = Window, QueueLimit = 0 });
}
