using System.Net;
using System.Text;
using Dashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Tests.Security;

/// <summary>
/// Every endpoint of the running app, enumerated from its <see cref="EndpointDataSource"/> so a new route
/// cannot slip through, rejects a request without credentials, except the few that must be public.
/// </summary>
public sealed class EndpointAuthorizationTests(DashboardHostFixture fixture) : IClassFixture<DashboardHostFixture>
{
    /// <summary>Route patterns that accept requests without credentials, and why.</summary>
    private static readonly HashSet<string> PublicRoutes = new(StringComparer.Ordinal)
    {
        "/signin", // the sign-in page
        "/account/signin", // its form post
        "/account/signin/oidc", // the single sign-on redirect
        "/setup", // the first-start page
        "/account/setup", // its form post
        "/health", // liveness for orchestrators
    };

    [Fact]
    public async Task EveryEndpoint_RejectsAnonymousRequest()
    {
        var (checkedCount, failures) = await CheckEveryEndpointAsync(fixture.Host);

        Assert.True(checkedCount > 20, $"Only {checkedCount} requests were checked; the endpoint enumeration is broken.");
        Assert.True(failures.Count == 0, "Endpoints that answered an anonymous request:\n" + string.Join('\n', failures));
    }

    [Fact]
    public async Task EndpointCheck_DetectsAnonymousAccess()
    {
        // The same check against an app that lets anonymous requests view must report the read endpoints.
        await using var open = await DashboardHost.StartAsync(new DashboardHostOptions
        {
            Settings = new Dictionary<string, string?> { ["Auth:AnonymousRole"] = "Viewer" },
        });

        var (_, failures) = await CheckEveryEndpointAsync(open);

        Assert.Contains(failures, failure => failure.StartsWith("GET /api/assets ", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("GET / ", StringComparison.Ordinal));
    }

    /// <summary>Sends one anonymous request per route and method and returns those that were not rejected.</summary>
    private static async Task<(int Checked, List<string> Failures)> CheckEveryEndpointAsync(DashboardHost host)
    {
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        using var anonymous = new SessionClient(host.BaseAddress);
        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var endpoint in endpoints)
        {
            var route = "/" + endpoint.RoutePattern.RawText?.TrimStart('/');
            if (IsStaticAsset(endpoint) || PublicRoutes.Contains(route))
            {
                continue;
            }

            foreach (var method in Methods(endpoint))
            {
                var path = SamplePath(endpoint.RoutePattern);
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                using var response = await anonymous.Http.SendAsync(request);
                checkedCount++;
                if (!IsRejection(path, response))
                {
                    failures.Add($"{method} {path} (route {route}) returned {(int)response.StatusCode} {response.Headers.Location}");
                }
            }
        }

        return (checkedCount, failures);
    }

    [Fact]
    public void PublicRoutes_AllExist()
    {
        var routes = fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(endpoint => "/" + endpoint.RoutePattern.RawText?.TrimStart('/'))
            .ToHashSet(StringComparer.Ordinal);

        // The single sign-on route exists only while Auth:Oidc is configured; OidcConfigurationTests covers it.
        foreach (var route in PublicRoutes.Where(route => route != "/account/signin/oidc"))
        {
            Assert.Contains(route, routes);
        }
    }

    [Theory]
    [InlineData("/signin")]
    [InlineData("/setup")]
    [InlineData("/health")]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/css/app.css")]
    public async Task PublicEndpoint_AnswersAnonymousRequest(string path)
    {
        using var anonymous = new SessionClient(fixture.Host.BaseAddress);

        using var response = await anonymous.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/no-such-page")]
    [InlineData("/api/no-such-endpoint")]
    public async Task UnknownPath_IsRejectedBeforeNotFound(string path)
    {
        using var anonymous = new SessionClient(fixture.Host.BaseAddress);

        using var response = await anonymous.Http.GetAsync(path);

        Assert.True(IsRejection(path, response), $"GET {path} returned {(int)response.StatusCode}.");
    }

    [Fact]
    public async Task ApiRejection_IsProblemJson()
    {
        using var anonymous = new SessionClient(fixture.Host.BaseAddress);

        using var response = await anonymous.Http.GetAsync("/api/assets");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static bool IsRejection(string path, HttpResponseMessage response)
    {
        if (path.StartsWith("/api", StringComparison.Ordinal))
        {
            return response.StatusCode == HttpStatusCode.Unauthorized;
        }

        // Pages and the Blazor hub send anonymous browsers to the sign-in page.
        return response.StatusCode is HttpStatusCode.Unauthorized
            || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.AbsolutePath == "/signin");
    }

    private static bool IsStaticAsset(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is not null;

    private static IEnumerable<string> Methods(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? methods : ["GET"];

    /// <summary>Returns a request path for a route, with a sample value for each parameter.</summary>
    private static string SamplePath(RoutePattern pattern)
    {
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(policy => policy.Content is "long" or "int") => "1",
            RoutePatternParameterPart => "sample",
            _ => string.Empty,
        })));
        return "/" + string.Join('/', segments);
    }
}
