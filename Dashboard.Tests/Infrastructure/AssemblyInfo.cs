using System.Runtime.Versioning;

// The fixtures start Debian's mosquitto, PostgreSQL and Chromium and send POSIX signals.
[assembly: SupportedOSPlatform("linux")]
