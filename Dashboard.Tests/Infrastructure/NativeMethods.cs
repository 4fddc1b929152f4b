using System.Runtime.InteropServices;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// The few POSIX calls the fixtures need: .NET's <see cref="System.Diagnostics.Process.Kill()"/> sends only
/// SIGKILL, and there is no managed way to read the effective user id.
/// </summary>
internal static partial class NativeMethods
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>True when the test process runs as root, where initdb refuses to run and mosquitto drops privileges.</summary>
    public static bool IsRoot => OperatingSystem.IsLinux() && geteuid() == 0;

    /// <summary>Sends <paramref name="signal"/> to process <paramref name="pid"/>; returns false if it has already exited.</summary>
    public static bool SendSignal(int pid, int signal) => kill(pid, signal) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
