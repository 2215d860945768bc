using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(RecordsExchange.Server.Tests.HeadlessBrowser))]

namespace RecordsExchange.Server.Tests;

/// <summary>
/// One headless Chromium for the whole test run, driven by Playwright: Debian's <c>chromium</c> package
/// (or <c>CHROMIUM_PATH</c>), never a downloaded browser. Without Chromium the page tests are skipped
/// locally and fail under CI (<c>CI</c> set), so a CI run never goes green without a browser.
/// Screenshots go to <c>RX_SCREENSHOTS</c> (default: <c>screenshots/</c> beside the tests).
/// </summary>
public sealed class HeadlessBrowser : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser? Browser { get; private set; }

    /// <summary>Why there is no browser (only ever set outside CI).</summary>
    public string? Missing { get; private set; }

    public static string ScreenshotDirectory =>
        Environment.GetEnvironmentVariable("RX_SCREENSHOTS") is { Length: > 0 } configured ? configured : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        var path = new[] { Environment.GetEnvironmentVariable("CHROMIUM_PATH"), "/usr/bin/chromium", "/usr/lib/chromium/chromium" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));
        if (path is null)
        {
            var message = "No Chromium (install Debian's chromium and fonts-liberation, or set CHROMIUM_PATH); the page tests need a real browser.";
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                throw new InvalidOperationException(message);
            }
            Missing = message;
            return;
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = path, Headless = true, Args = ["--disable-gpu", "--disable-dev-shm-usage"] });
    }

    /// <summary>A new page in a fresh context; the servers' certificates come from test CAs, so HTTPS errors are ignored (no client certificate is offered).</summary>
    public async Task<IPage> NewPageAsync(string? locale = null)
    {
        Assert.SkipWhen(Browser is null, Missing ?? "");
        var context = await Browser!.NewContextAsync(new() { IgnoreHTTPSErrors = true, Locale = locale, ViewportSize = new() { Width = 1100, Height = 900 } });
        return await context.NewPageAsync();
    }

    /// <summary>A new page whose browser presents <paramref name="certificate"/> to <paramref name="origin"/> (a smart card's certificate, as the console expects).</summary>
    public async Task<IPage> NewPageAsync(Uri origin, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, int width = 1280)
    {
        Assert.SkipWhen(Browser is null, Missing ?? "");
        var context = await Browser!.NewContextAsync(new()
        {
            IgnoreHTTPSErrors = true,
            ViewportSize = new() { Width = width, Height = 900 },
            AcceptDownloads = true,
            ClientCertificates =
            [
                new ClientCertificate
                {
                    Origin = origin.GetLeftPart(UriPartial.Authority),
                    Pfx = certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, "browser"),
                    Passphrase = "browser",
                },
            ],
        });
        return await context.NewPageAsync();
    }

    /// <summary>Keeps a full-page screenshot as a test artifact; returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
    }
}
