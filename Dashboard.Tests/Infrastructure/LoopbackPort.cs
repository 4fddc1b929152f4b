using System.Net;
using System.Net.Sockets;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// Free TCP ports on 127.0.0.1 for the servers that tests start, and a wait until a server accepts.
/// </summary>
public static class LoopbackPort
{
    private static readonly HashSet<int> Issued = [];
    private static readonly Lock IssuedLock = new();

    /// <summary>
    /// Returns a port that the operating system reported free and that this test process has not handed
    /// out before, so two fixtures of one run never get the same port.
    /// </summary>
    /// <remarks>
    /// NOTE: the port is released before it is returned, so another process on the machine can take it
    /// before the server binds it. The server then fails to start with "address in use".
    /// </remarks>
    public static int Allocate()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();

            lock (IssuedLock)
            {
                if (Issued.Add(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException("No free loopback port was found in 100 attempts.");
    }

    /// <summary>
    /// Waits until a TCP connection to 127.0.0.1:<paramref name="port"/> succeeds.
    /// </summary>
    /// <param name="port">Port the server listens on.</param>
    /// <param name="timeout">How long to wait before failing.</param>
    /// <param name="failure">
    /// Checked before each attempt. A non-null result, such as "the process exited", stops the wait with
    /// that message, so a server that crashed fails the test at once.
    /// </param>
    public static async Task WaitUntilAcceptingAsync(int port, TimeSpan timeout, Func<string?>? failure = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (failure?.Invoke() is { } problem)
            {
                throw new InvalidOperationException($"The server on 127.0.0.1:{port} did not start: {problem}");
            }

            using var client = new TcpClient();
            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.ConnectAsync(IPAddress.Loopback, port, attempt.Token);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Nothing accepted connections on 127.0.0.1:{port} within {timeout}.", e);
                }
            }

            await Task.Delay(50);
        }
    }
}
