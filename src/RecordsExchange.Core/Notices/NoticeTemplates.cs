using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Interviews;
using RecordsExchange.Core.Policy;

namespace RecordsExchange.Core.Notices;

/// <summary>A notice's title and body, with {placeholders} filled from the notice.</summary>
public sealed record NoticeText(string Title, string Body);

/// <summary>The texts of the subject notices in one language, read from <c>notices/LANG.yaml</c>.</summary>
public sealed record NoticeTemplate
{
    /// <summary>The words that mark a file's translation status; anything but these two is shown on every printed page.</summary>
    public const string Original = "original";
    public const string Certified = "certified";

    public required string Language { get; init; }
    public required string Name { get; init; }
    public required string County { get; init; }

    /// <summary>original (the county wrote it in this language), certified, or uncertified.</summary>
    public required string Translation { get; init; }

    /// <summary>What staff must know about an uncertified translation; printed on the page.</summary>
    public required string TranslationNote { get; init; }

    public required NoticeText DetainerCopy { get; init; }
    public required NoticeText ReleaseDateShared { get; init; }
    public required NoticeText ReleaseDateSharedDesignee { get; init; }
    public required NoticeText InterviewConsent { get; init; }
    public required string WillComply { get; init; }
    public required string WillNotComply { get; init; }
    public required IReadOnlyDictionary<DetainerRequestType, string> Requests { get; init; }
    public required string Rights { get; init; }

    /// <summary>The paragraph a detainer copy adds when the request states a federal felony arrest warrant ({warrant} is its number).</summary>
    public required string FederalWarrant { get; init; }
    public required string ServedLine { get; init; }

    /// <summary>Loads every <c>*.yaml</c> in a directory; a language is added by adding a file.</summary>
    public static IReadOnlyDictionary<string, NoticeTemplate> LoadDirectory(string directory) =>
        Directory.EnumerateFiles(directory, "*.yaml").Select(Load).ToDictionary(t => t.Language, StringComparer.OrdinalIgnoreCase);

    public static NoticeTemplate Load(string path)
    {
        var yaml = new YamlFields(path);
        var top = yaml.Fields(yaml.Root(File.ReadAllText(path, Encoding.UTF8)), "",
            ["language", "name", "county", "translation", "detainer_copy", "release_date_shared", "release_date_shared_designee", "interview_consent",
             "will_comply", "will_not_comply", "requests", "rights", "served_line", "federal_warrant"], ["translation_note"]);
        NoticeText Text(string key)
        {
            var fields = yaml.Fields(top.GetValueOrDefault(key), key, ["title", "body"], []);
            return new NoticeText(yaml.Text(fields, "title", key) ?? "", yaml.Text(fields, "body", key) ?? "");
        }
        var requests = yaml.Fields(top.GetValueOrDefault("requests"), "requests", ["notify", "hold", "transfer"], []);
        var template = new NoticeTemplate
        {
            Language = yaml.Text(top, "language", "") ?? "",
            Name = yaml.Text(top, "name", "") ?? "",
            County = yaml.Text(top, "county", "") ?? "",
            Translation = yaml.Text(top, "translation", "") ?? "",
            TranslationNote = yaml.Text(top, "translation_note", "") ?? "",
            DetainerCopy = Text("detainer_copy"),
            ReleaseDateShared = Text("release_date_shared"),
            ReleaseDateSharedDesignee = Text("release_date_shared_designee"),
            InterviewConsent = Text("interview_consent"),
            WillComply = yaml.Text(top, "will_comply", "") ?? "",
            WillNotComply = yaml.Text(top, "will_not_comply", "") ?? "",
            Requests = Enum.GetValues<DetainerRequestType>().ToDictionary(t => t, t => yaml.Text(requests, PolicyNames.Snake(t), "requests") ?? ""),
            Rights = yaml.Text(top, "rights", "") ?? "",
            FederalWarrant = yaml.Text(top, "federal_warrant", "") ?? "",
            ServedLine = yaml.Text(top, "served_line", "") ?? "",
        };
        if (template.Translation is not (Original or Certified) && string.IsNullOrWhiteSpace(template.TranslationNote) && top.TryGetValue("translation", out var node))
        {
            yaml.Problem(node, "translation", "a text that is not original or certified needs a translation_note saying so, for the printed page");
        }
        yaml.ThrowIfAny();
        return template;
    }

    /// <summary>
    /// The notice as a printable HTML page: every value from the records is HTML-encoded. The county is
    /// named as this language's file names it, unless <paramref name="countyName"/> is given. A consent
    /// form needs its <paramref name="interview"/>.
    /// </summary>
    public string RenderHtml(SubjectNotice notice, string personName, string? countyName = null, InterviewRequest? interview = null)
    {
        var values = new Dictionary<string, string>
        {
            ["agency"] = notice.Agency,
            ["county"] = countyName ?? County,
            ["person"] = personName,
            ["designee"] = notice.RecipientName ?? "",
            ["booking"] = notice.BookingNumber ?? "-",
            ["date"] = notice.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["request"] = notice.RequestType is { } type ? Requests[type] : "",
            ["decision"] = notice.WillComply ? WillComply : WillNotComply,
            ["reason"] = notice.Reason,
            ["release_date"] = notice.ReleaseDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-",
            ["warrant"] = notice.FederalFelonyWarrantNumber ?? "",
            ["purpose"] = interview?.Purpose ?? "",
            ["window"] = interview is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{interview.WindowStart.UtcDateTime:yyyy-MM-dd HH:mm} – {interview.WindowEnd.UtcDateTime:yyyy-MM-dd HH:mm} UTC"),
        };
        var text = notice.Kind switch
        {
            NoticeKind.DetainerCopy => DetainerCopy,
            NoticeKind.InterviewConsent => InterviewConsent,
            _ when notice.Recipient == NoticeRecipient.Designee => ReleaseDateSharedDesignee,
            _ => ReleaseDateShared,
        };
        var html = HtmlEncoder.Default;
        var page = new StringBuilder();
        page.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html>\n<html lang=\"{html.Encode(Language)}\">\n<head><meta charset=\"utf-8\"><title>{html.Encode(text.Title)}</title>");
        page.Append("<style>body{font-family:serif;max-width:40em;margin:2em auto;font-size:13pt}h1{font-size:16pt}.rights{border:1px solid #000;padding:.5em 1em}.translation{border:2px dashed #000;padding:.5em 1em;font-family:sans-serif}</style></head>\n<body>\n");
        if (Translation is not (Original or Certified))
        {
            page.Append(CultureInfo.InvariantCulture, $"<p class=\"translation\" lang=\"en\">{html.Encode(TranslationNote)}</p>\n");
        }
        page.Append(CultureInfo.InvariantCulture, $"<h1>{html.Encode(text.Title)}</h1>\n<p><small>Notice {notice.Id}</small></p>\n");
        if (notice.Recipient == NoticeRecipient.Designee)
        {
            page.Append(CultureInfo.InvariantCulture, $"<p>{html.Encode(notice.RecipientName ?? "")}<br>{html.Encode(notice.RecipientContact ?? "")}</p>\n");
        }
        foreach (var paragraph in Paragraphs(text.Body))
        {
            page.Append(CultureInfo.InvariantCulture, $"<p>{Fill(html.Encode(paragraph), values, html)}</p>\n");
        }
        if (notice is { Kind: NoticeKind.DetainerCopy, FederalFelonyWarrantNumber: { Length: > 0 } })
        {
            page.Append(CultureInfo.InvariantCulture, $"<p>{Fill(html.Encode(FederalWarrant), values, html)}</p>\n");
        }
        if (notice.Recipient == NoticeRecipient.Person)
        {
            page.Append("<div class=\"rights\">\n");
            foreach (var line in Paragraphs(Rights.Replace("\n", "\n\n", StringComparison.Ordinal)))
            {
                page.Append(CultureInfo.InvariantCulture, $"<p>{html.Encode(line)}</p>\n");
            }
            page.Append("</div>\n");
        }
        page.Append(CultureInfo.InvariantCulture, $"<p>{html.Encode(ServedLine)}</p>\n</body>\n</html>\n");
        return page.ToString();
    }

    private static IEnumerable<string> Paragraphs(string text) =>
        text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    // Placeholders survive HTML encoding unchanged ({ and } are not encoded); values are encoded here.
    private static string Fill(string encoded, Dictionary<string, string> values, HtmlEncoder html)
    {
        foreach (var (key, value) in values)
        {
            encoded = encoded.Replace("{" + key + "}", html.Encode(value), StringComparison.Ordinal);
        }
        return encoded;
    }
}
