using Microsoft.Playwright;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, shared by the browser tests through
/// <see cref="BrowserCollection"/>. Playwright downloads no browser of its own.
/// </summary>
/// <remarks>
/// The flags keep Chromium quiet and local. They turn off the sandbox (tests run as root), the GPU, QUIC,
/// first-run pages, background networking, component updates and sync. The resolver rule maps every host
/// name except localhost and 127.0.0.1 to "not found", so the browser contacts no other host.
/// </remarks>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Attribute that MainLayout sets to "true" after its first interactive render.</summary>
    public const string InteractiveSelector = "[data-interactive='true']";

    public static readonly IReadOnlyList<string> LaunchArguments =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started; xunit starts it through InitializeAsync.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed: {ChromiumPath} is missing. Install the Debian package 'chromium' " +
                "(apt-get install chromium); bash .ci/run installs it.");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = LaunchArguments,
            Timeout = 60_000,
        });
    }

    /// <summary>
    /// Opens <paramref name="url"/> in a new browser context, signed in as the administrator of
    /// <see cref="TestCredentials"/> when the app redirects to the sign-in page, and waits until the Blazor circuit is
    /// interactive. Console errors and uncaught page errors are collected from the start.
    /// </summary>
    public async Task<BrowserPage> OpenAsync(Uri url, int width = 1440, int height = 900)
    {
        var browserPage = await NewPageAsync(width, height);
        var page = browserPage.Page;
        await page.GotoAsync(url.ToString());
        if (new Uri(page.Url).AbsolutePath == "/signin")
        {
            await SignInAsync(page, TestCredentials.AdminEmail, TestCredentials.AdminPassword);
        }

        await WaitForInteractiveAsync(page);
        return browserPage;
    }

    /// <summary>Opens a blank page in a new browser context without cookies.</summary>
    public async Task<BrowserPage> NewPageAsync(int width = 1440, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        var page = await context.NewPageAsync();
        return new BrowserPage(context, page);
    }

    /// <summary>Fills and submits the sign-in form that the page shows, and waits for the page it leads to.</summary>
    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("[data-testid='signin-submit']");
        await page.WaitForURLAsync(address => new Uri(address).AbsolutePath != "/signin" || address.Contains("notice=", StringComparison.Ordinal));
    }

    /// <summary>
    /// Waits until the page's Blazor circuit has rendered interactively once. The prerendered HTML already
    /// shows content, but it does not update until then.
    /// </summary>
    public static Task WaitForInteractiveAsync(IPage page, float timeoutMs = 30_000) =>
        page.Locator(InteractiveSelector).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = timeoutMs });

    /// <summary>Saves a screenshot of the whole page as docs/screenshots/<paramref name="fileName"/> and returns its path.</summary>
    public static async Task<string> SaveScreenshotAsync(IPage page, string fileName)
    {
        Directory.CreateDirectory(TestPaths.ScreenshotDirectory);
        var path = Path.Combine(TestPaths.ScreenshotDirectory, fileName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>
/// A page in its own browser context, with the console errors and uncaught exceptions it produced.
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    internal BrowserPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Add($"console error: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Add($"page error: {error}");
    }

    public IPage Page { get; }

    /// <summary>Console errors and uncaught exceptions so far, in order.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToArray();
            }
        }
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();

    private void Add(string error)
    {
        lock (_errors)
        {
            _errors.Add(error);
        }
    }
}

/// <summary>The collection that shares one <see cref="BrowserFixture"/> among the browser test classes.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
