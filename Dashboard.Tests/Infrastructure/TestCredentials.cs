using System.Security.Cryptography;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// The administrator and the Admin API key that <see cref="DashboardHostOptions"/> configures in every app
/// under test, so fixtures and tests call the API and open pages as a signed-in client. The password and
/// key are random per test run, so a log check can look for them.
/// </summary>
public static class TestCredentials
{
    public const string AdminEmail = "admin@dashboard.test";

    public static string AdminPassword { get; } = "pw-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    public static string ApiKey { get; } = "pmd_test_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    /// <summary>Returns an HTTP client for <paramref name="baseAddress"/> that sends <see cref="ApiKey"/>.</summary>
    public static HttpClient CreateAdminClient(Uri baseAddress)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }
}
