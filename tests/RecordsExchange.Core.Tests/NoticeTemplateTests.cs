using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Notices;
using RecordsExchange.Core.Policy;

namespace RecordsExchange.Core.Tests;

public sealed class NoticeTemplateTests
{
    private static string Shipped => Path.Combine(AppContext.BaseDirectory, "notices");

    private static SubjectNotice Notice(NoticeKind kind) => new()
    {
        Id = 7, PersonId = 1, Kind = kind, BookingNumber = "DEMO-B-000001", CreatedAt = new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero),
        Agency = "Agency <script>alert(1)</script>", RequestType = DetainerRequestType.Hold, WillComply = false, Reason = "Never & nowhere.", ReleaseDate = new DateOnly(2027, 1, 15),
    };

    [Fact]
    public void LoadDirectory_ShippedTexts_EnglishAndSpanish()
    {
        var templates = NoticeTemplate.LoadDirectory(Shipped);

        Assert.Equal(["en", "es"], templates.Keys.Order());
    }

    [Theory]
    [InlineData("en", "The county will NOT comply with this request.", "keep you in custody after you would otherwise be released")]
    [InlineData("es", "El condado NO cumplir&#xE1; con esta solicitud.", "mantenerlo bajo custodia")]
    public void RenderHtml_DetainerCopy_SaysWhatTheCountyWillDoInTheLanguageAndEscapesRecordText(string language, string decision, string request)
    {
        var html = NoticeTemplate.LoadDirectory(Shipped)[language].RenderHtml(Notice(NoticeKind.DetainerCopy), "Jordan Synthetic", "Demo County");

        Assert.Contains(decision, html);
        Assert.Contains(request, html);
        Assert.Contains("Jordan Synthetic", html);
        Assert.Contains("Never &amp; nowhere.", html);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("{", html.Split("</style>")[1]);
    }

    [Fact]
    public void RenderHtml_ReleaseDateShared_GivesTheDate()
    {
        var html = NoticeTemplate.LoadDirectory(Shipped)["en"].RenderHtml(Notice(NoticeKind.ReleaseDateShared), "Jordan Synthetic", "Demo County");

        Assert.Contains("scheduled to be released on 2027-01-15", html);
        Assert.Contains("your attorney", html);
    }

    [Fact]
    public void LoadDirectory_AddedLanguageFile_IsAvailable()
    {
        var directory = Directory.CreateTempSubdirectory("rx-notices-").FullName;
        File.Copy(Path.Combine(Shipped, "en.yaml"), Path.Combine(directory, "en.yaml"));
        File.WriteAllText(Path.Combine(directory, "fr.yaml"), File.ReadAllText(Path.Combine(Shipped, "en.yaml")).Replace("language: en", "language: fr", StringComparison.Ordinal).Replace("name: English", "name: Français", StringComparison.Ordinal));

        var templates = NoticeTemplate.LoadDirectory(directory);

        Assert.Equal("Français", templates["fr"].Name);
    }

    [Fact]
    public void Load_MissingText_ReportedWithItsLine()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("rx-notices-").FullName, "xx.yaml");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(Shipped, "en.yaml")).Replace("will_comply:", "will_complyy:", StringComparison.Ordinal));

        var error = Assert.Throws<YamlFileException>(() => NoticeTemplate.Load(path));

        Assert.Contains(error.Problems, p => p.Path == "will_complyy" && p.Message.StartsWith("is not a known key", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Path == "will_comply" && p.Message == "is required");
    }
}
