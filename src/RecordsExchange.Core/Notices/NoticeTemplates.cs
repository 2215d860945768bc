using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Policy;

namespace RecordsExchange.Core.Notices;

/// <summary>The texts of the subject notices in one language, read from <c>notices/LANG.yaml</c>.</summary>
public sealed record NoticeTemplate(string Language, string Name, string County, string DetainerTitle, string DetainerBody, string ReleaseTitle, string ReleaseBody,
    string WillComply, string WillNotComply, IReadOnlyDictionary<DetainerRequestType, string> Requests, string Rights, string ServedLine)
{
    /// <summary>Loads every <c>*.yaml</c> in a directory; a language is added by adding a file.</summary>
    public static IReadOnlyDictionary<string, NoticeTemplate> LoadDirectory(string directory) =>
        Directory.EnumerateFiles(directory, "*.yaml").Select(Load).ToDictionary(t => t.Language, StringComparer.OrdinalIgnoreCase);

    public static NoticeTemplate Load(string path)
    {
        var yaml = new YamlFields(path);
        var top = yaml.Fields(yaml.Root(File.ReadAllText(path, Encoding.UTF8)), "",
            ["language", "name", "county", "detainer_copy", "release_date_shared", "will_comply", "will_not_comply", "requests", "rights", "served_line"], []);
        var detainer = yaml.Fields(top.GetValueOrDefault("detainer_copy"), "detainer_copy", ["title", "body"], []);
        var release = yaml.Fields(top.GetValueOrDefault("release_date_shared"), "release_date_shared", ["title", "body"], []);
        var requests = yaml.Fields(top.GetValueOrDefault("requests"), "requests", ["notify", "hold", "transfer"], []);
        var template = new NoticeTemplate(
            yaml.Text(top, "language", "") ?? "", yaml.Text(top, "name", "") ?? "", yaml.Text(top, "county", "") ?? "",
            yaml.Text(detainer, "title", "detainer_copy") ?? "", yaml.Text(detainer, "body", "detainer_copy") ?? "",
            yaml.Text(release, "title", "release_date_shared") ?? "", yaml.Text(release, "body", "release_date_shared") ?? "",
            yaml.Text(top, "will_comply", "") ?? "", yaml.Text(top, "will_not_comply", "") ?? "",
            Enum.GetValues<DetainerRequestType>().ToDictionary(t => t, t => yaml.Text(requests, PolicyNames.Snake(t), "requests") ?? ""),
            yaml.Text(top, "rights", "") ?? "", yaml.Text(top, "served_line", "") ?? "");
        yaml.ThrowIfAny();
        return template;
    }

    /// <summary>The notice as a printable HTML page: every value from the records is HTML-encoded. The county is named as this language's file names it, unless <paramref name="countyName"/> is given.</summary>
    public string RenderHtml(SubjectNotice notice, string personName, string? countyName = null)
    {
        var values = new Dictionary<string, string>
        {
            ["agency"] = notice.Agency,
            ["county"] = countyName ?? County,
            ["person"] = personName,
            ["booking"] = notice.BookingNumber ?? "-",
            ["date"] = notice.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["request"] = notice.RequestType is { } type ? Requests[type] : "",
            ["decision"] = notice.WillComply ? WillComply : WillNotComply,
            ["reason"] = notice.Reason,
            ["release_date"] = notice.ReleaseDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-",
        };
        var (title, body) = notice.Kind == NoticeKind.DetainerCopy ? (DetainerTitle, DetainerBody) : (ReleaseTitle, ReleaseBody);
        var html = HtmlEncoder.Default;
        var page = new StringBuilder();
        page.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html>\n<html lang=\"{html.Encode(Language)}\">\n<head><meta charset=\"utf-8\"><title>{html.Encode(title)}</title>");
        page.Append("<style>body{font-family:serif;max-width:40em;margin:2em auto;font-size:13pt}h1{font-size:16pt}.rights{border:1px solid #000;padding:.5em 1em}</style></head>\n<body>\n");
        page.Append(CultureInfo.InvariantCulture, $"<h1>{html.Encode(title)}</h1>\n<p><small>Notice {notice.Id}</small></p>\n");
        foreach (var paragraph in Paragraphs(body))
        {
            page.Append(CultureInfo.InvariantCulture, $"<p>{Fill(html.Encode(paragraph), values, html)}</p>\n");
        }
        page.Append("<div class=\"rights\">\n");
        foreach (var line in Paragraphs(Rights.Replace("\n", "\n\n", StringComparison.Ordinal)))
        {
            page.Append(CultureInfo.InvariantCulture, $"<p>{html.Encode(line)}</p>\n");
        }
        page.Append(CultureInfo.InvariantCulture, $"</div>\n<p>{html.Encode(ServedLine)}</p>\n</body>\n</html>\n");
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
