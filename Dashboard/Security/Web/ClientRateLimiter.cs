using System.Threading.RateLimiting;
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

    /// <summary>Returns the fixed-window partition of the request's client address.</summary>
    public static RateLimitPartition<string> Partition(HttpContext context, int permitsPerMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = Window, QueueLimit = 0 });
}
