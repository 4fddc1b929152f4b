using System.Reflection;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// Paths that fixtures need at run time, taken from assembly metadata written by Dashboard.Tests.csproj.
/// </summary>
public static class TestPaths
{
    /// <summary>Root of the repository the tests were built from.</summary>
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    /// <summary>Folder of the screenshots that the README shows.</summary>
    public static string ScreenshotDirectory => Path.Combine(RepositoryRoot, "docs", "screenshots");

    /// <summary>
    /// The app's entry assembly. The build copies it next to the test assembly, together with its
    /// runtimeconfig, deps and static web asset manifests, so <c>dotnet Dashboard.dll</c> runs from there.
    /// </summary>
    public static string DashboardAssembly => Path.Combine(AppContext.BaseDirectory, "Dashboard.dll");

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata '{key}' is missing; Dashboard.Tests.csproj must define it.");
}
