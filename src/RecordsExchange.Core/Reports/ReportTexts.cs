using System.Globalization;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace RecordsExchange.Core.Reports;

/// <summary>
/// The words of the report pages and the forum package in one language, read from
/// <c>transparency/LANG.yaml</c> (nested keys read as "tables.calls"). A key a file leaves out falls
/// back to English; a language is added by adding a file.
/// </summary>
public sealed class ReportTexts
{
    public const string DefaultLanguage = "en";

    private readonly IReadOnlyDictionary<string, string> _texts;
    private readonly ReportTexts? _fallback;

    private ReportTexts(IReadOnlyDictionary<string, string> texts, ReportTexts? fallback) => (_texts, _fallback) = (texts, fallback);

    public string Language => this["language"];
    public string Name => this["name"];

    /// <summary>The text of a key, else English's, else the key itself (so a missing text shows, rather than failing the page).</summary>
    public string this[string key] => _texts.TryGetValue(key, out var text) ? text : _fallback?[key] ?? key;

    /// <summary>The text of a key with its {placeholders} filled.</summary>
    public string Format(string key, params (string Name, object Value)[] values)
    {
        var text = new StringBuilder(this[key]);
        foreach (var (name, value) in values)
        {
            text.Replace("{" + name + "}", Convert.ToString(value, CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>The label of a key in a group ("means", "notification"), or the key as written when there is none.</summary>
    public string Label(string group, string key) => _texts.ContainsKey($"{group}.{key}") || _fallback?.Has($"{group}.{key}") == true ? this[$"{group}.{key}"] : key;

    private bool Has(string key) => _texts.ContainsKey(key);

    /// <summary>Every <c>*.yaml</c> of a directory by language; English is required, the others fall back to it.</summary>
    public static IReadOnlyDictionary<string, ReportTexts> LoadDirectory(string directory)
    {
        var files = Directory.EnumerateFiles(directory, "*.yaml").Select(path => (Path: path, Texts: Read(path))).ToList();
        var english = files.FirstOrDefault(f => f.Texts.GetValueOrDefault("language") == DefaultLanguage).Texts
            ?? throw new FileNotFoundException($"The report texts in {directory} have no English file (language: en), which the others fall back to.");
        var fallback = new ReportTexts(english, null);
        return files.ToDictionary(
            f => f.Texts.GetValueOrDefault("language") ?? throw new FormatException($"{f.Path}: no 'language:' key"),
            f => f.Texts == english ? fallback : new ReportTexts(f.Texts, fallback),
            StringComparer.OrdinalIgnoreCase);
    }

    private static Dictionary<string, string> Read(string path)
    {
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            yaml.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new FormatException($"{path}:{ex.Start.Line}:{ex.Start.Column}: {ex.Message}", ex);
        }
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (yaml.Documents.Count > 0)
        {
            Flatten(yaml.Documents[0].RootNode, "", texts, path);
        }
        return texts;
    }

    private static void Flatten(YamlNode node, string prefix, Dictionary<string, string> texts, string path)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    Flatten(value, prefix.Length == 0 ? ((YamlScalarNode)key).Value! : $"{prefix}.{((YamlScalarNode)key).Value}", texts, path);
                }
                break;
            case YamlScalarNode scalar:
                texts[prefix] = scalar.Value ?? "";
                break;
            default:
                throw new FormatException($"{path}:{node.Start.Line}: '{prefix}' must be a text or a group of texts");
        }
    }
}
