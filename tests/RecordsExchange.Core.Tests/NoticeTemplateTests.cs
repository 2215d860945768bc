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
    public void LoadDirectory_ShippedTexts_TheSixLanguagesOfTheTruthAct()
    {
        var templates = NoticeTemplate.LoadDirectory(Shipped);

        // Gov. Code 7283.1(a): English, Spanish, Chinese, Tagalog, Vietnamese and Korean.
        Assert.Equal(["en", "es", "ko", "tl", "vi", "zh"], templates.Keys.Order());
        Assert.Equal(NoticeTemplate.Original, templates["en"].Translation);
    }

    [Theory]
    [InlineData("en", "outstanding federal felony arrest warrant, number W-2026/7")]
    [InlineData("es", "orden federal de arresto pendiente por un delito grave, número W-2026/7")]
    [InlineData("zh", "聯邦重罪逮捕令的對象，編號 W-2026/7")]
    [InlineData("tl", "pederal na warrant of arrest laban sa iyo para sa isang felony, numero W-2026/7")]
    [InlineData("vi", "lệnh bắt liên bang về trọng tội chưa được thi hành, số W-2026/7")]
    [InlineData("ko", "연방 중범죄 체포영장(번호 W-2026/7)")]
    public void RenderHtml_DetainerCopyStatingAFederalFelonyWarrant_ShowsItsNumberInTheLanguage(string language, string expected)
    {
        var template = NoticeTemplate.LoadDirectory(Shipped)[language];
        var withWarrant = Notice(NoticeKind.DetainerCopy);
        withWarrant.FederalFelonyWarrantNumber = "W-2026/7";

        var html = System.Net.WebUtility.HtmlDecode(template.RenderHtml(withWarrant, "Jordan Synthetic"));
        var without = System.Net.WebUtility.HtmlDecode(template.RenderHtml(Notice(NoticeKind.DetainerCopy), "Jordan Synthetic"));

        Assert.Contains(expected, html);
        Assert.Contains("7282.5(a)(5)", html);
        Assert.DoesNotContain("7282.5(a)(5)", without);
    }

    [Theory]
    // The consent form's required content in each language: the purpose (filled in), voluntary, may decline, attorney present.
    [InlineData("en", "voluntary", "decline", "attorney present")]
    [InlineData("es", "voluntaria", "negarse", "abogado presente")]
    [InlineData("zh", "自願", "拒絕", "律師在場")]
    [InlineData("tl", "Boluntaryo", "tanggihan", "abogado")]
    [InlineData("vi", "tự nguyện", "từ chối", "luật sư")]
    [InlineData("ko", "자발적", "거절", "변호사가 참석")]
    public void RenderHtml_InterviewConsent_StatesThePurposeThatItIsVoluntaryAndTheChoicesAndFlagsAnUncertifiedText(string language, string voluntary, string decline, string attorney)
    {
        var template = NoticeTemplate.LoadDirectory(Shipped)[language];
        var interview = new Interviews.InterviewRequest
        {
            ClientId = "c", AgencyIdentifier = "A", Agency = "Test Agency", Purpose = "Questions about <b>removal</b> proceedings",
            WindowStart = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), WindowEnd = new DateTimeOffset(2026, 12, 3, 17, 0, 0, TimeSpan.Zero),
            OfficerId = "1", OfficerName = "O", LegalBasis = "None", CaseNumber = "K", RuleId = "r", PolicyHash = "h",
        };

        var html = System.Net.WebUtility.HtmlDecode(template.RenderHtml(Notice(NoticeKind.InterviewConsent), "Jordan Synthetic", interview: interview));

        Assert.Contains("Questions about <b>removal</b> proceedings", html);
        Assert.Contains("2026-12-01 09:00 – 2026-12-03 17:00 UTC", html);
        Assert.Contains(voluntary, html);
        Assert.Contains(decline, html);
        Assert.Contains(attorney, html);
        Assert.DoesNotContain("{", html.Split("</style>")[1]);
        // Only the original English is printed without the note that the text awaits the county's certified translation.
        Assert.Equal(language != "en", html.Contains("Not a certified translation", StringComparison.Ordinal));
    }

    [Fact]
    public void RenderHtml_ReleaseDateSharedForTheDesignee_AddressedToThemWithoutThePersonsRights()
    {
        var notice = Notice(NoticeKind.ReleaseDateShared);
        (notice.Recipient, notice.RecipientName, notice.RecipientContact) = (NoticeRecipient.Designee, "Avery Counsel", "Legal Aid, 555-0100");

        var html = NoticeTemplate.LoadDirectory(Shipped)["en"].RenderHtml(notice, "Jordan Synthetic");

        Assert.Contains("Avery Counsel", html);
        Assert.Contains("Legal Aid, 555-0100", html);
        Assert.Contains("as the attorney of Jordan Synthetic", html);
        Assert.Contains("is scheduled to be released on 2027-01-15", html);
        Assert.DoesNotContain("You have the right to talk to a lawyer", html);
    }

    [Fact]
    public void Load_UncertifiedTextWithoutANote_Refused()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("rx-notices-").FullName, "xx.yaml");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(Shipped, "en.yaml")).Replace("translation: original", "translation: uncertified", StringComparison.Ordinal));

        var error = Assert.Throws<YamlFileException>(() => NoticeTemplate.Load(path));

        Assert.Contains(error.Problems, p => p.Path == "translation" && p.Message.Contains("translation_note", StringComparison.Ordinal));
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
