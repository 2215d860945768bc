using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RecordsExchange.Core.Policy;

/// <summary>A problem in a YAML file, with where it is.</summary>
public sealed record YamlProblem(string File, long Line, long Column, string Path, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Path}: {Message}";
}

/// <summary>A YAML file had problems; every one is listed, each with file, line and column.</summary>
public sealed class YamlFileException(IReadOnlyList<YamlProblem> problems)
    : Exception($"{problems.Count} problem(s):{Environment.NewLine}" + string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<YamlProblem> Problems { get; } = problems;
}

/// <summary>
/// Reads a YAML document by hand, node by node, so that every problem names the file, line, column
/// and the path of the key (rules[2].when.legal_basis), and all problems are reported at once.
/// </summary>
internal sealed class YamlFields(string file)
{
    private readonly List<YamlProblem> _problems = [];

    public string File => file;

    public bool HasProblems => _problems.Count > 0;

    /// <summary>Parses the text; a syntax error is reported at its position and yields null.</summary>
    public YamlMappingNode? Root(string text)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode root)
            {
                return root;
            }
            _problems.Add(new(file, 1, 1, "(document)", "must be one YAML document that is a mapping of keys to values"));
        }
        catch (YamlException ex)
        {
            _problems.Add(new(file, ex.Start.Line, ex.Start.Column, "(syntax)", ex.InnerException?.Message ?? ex.Message));
        }
        return null;
    }

    public void Problem(YamlNode node, string path, string message) => _problems.Add(new(file, node.Start.Line, node.Start.Column, path, message));

    public void ThrowIfAny()
    {
        if (_problems.Count > 0)
        {
            throw new YamlFileException([.. _problems.OrderBy(p => p.Line).ThenBy(p => p.Column)]);
        }
    }

    /// <summary>The mapping's entries by key; unknown and missing required keys are problems.</summary>
    public Dictionary<string, YamlNode> Fields(YamlNode? node, string path, string[] required, string[] optional)
    {
        var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (node is not YamlMappingNode map)
        {
            if (node is not null)
            {
                Problem(node, path, "must be a mapping (key: value lines)");
            }
            return fields;
        }
        foreach (var (keyNode, value) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!required.Contains(key) && !optional.Contains(key))
            {
                Problem(keyNode, Join(path, key), $"is not a known key here; expected one of: {string.Join(", ", required.Concat(optional))}");
            }
            else if (!fields.TryAdd(key, value))
            {
                Problem(keyNode, Join(path, key), "appears twice");
            }
        }
        foreach (var key in required.Where(k => !fields.ContainsKey(k)))
        {
            Problem(map, Join(path, key), "is required");
        }
        return fields;
    }

    /// <summary>The entries of a mapping keyed by ids the file chooses (criteria, obligations, clients); anything else is a problem.</summary>
    public IEnumerable<(string Id, YamlNode Value)> Entries(YamlNode? node, string path, string expected)
    {
        if (node is null)
        {
            return [];
        }
        if (node is not YamlMappingNode map)
        {
            Problem(node, path, "must be a mapping of " + expected);
            return [];
        }
        return map.Children.Select(child => ((child.Key as YamlScalarNode)?.Value ?? "", child.Value));
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public string? Text(Dictionary<string, YamlNode> fields, string key, string path)
    {
        if (!fields.TryGetValue(key, out var node))
        {
            return null;
        }
        if (node is YamlScalarNode { Value: { Length: > 0 } value })
        {
            return value;
        }
        Problem(node, Join(path, key), "must be a non-empty text value");
        return null;
    }

    public int? Integer(Dictionary<string, YamlNode> fields, string key, string path, int min, int max)
    {
        var text = Text(fields, key, path);
        if (text is null)
        {
            return null;
        }
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        Problem(fields[key], Join(path, key), $"must be a whole number from {min} to {max}, not '{text}'");
        return null;
    }

    public bool? Boolean(Dictionary<string, YamlNode> fields, string key, string path)
    {
        var text = Text(fields, key, path);
        switch (text)
        {
            case null:
                return null;
            case "true":
                return true;
            case "false":
                return false;
            default:
                Problem(fields[key], Join(path, key), $"must be true or false, not '{text}'");
                return null;
        }
    }

    /// <summary>A list of text values (a single value is read as a one-item list).</summary>
    public List<(string Value, YamlNode Node)>? List(Dictionary<string, YamlNode> fields, string key, string path)
    {
        if (!fields.TryGetValue(key, out var node))
        {
            return null;
        }
        var items = new List<(string, YamlNode)>();
        IEnumerable<YamlNode> nodes = node is YamlSequenceNode sequence ? sequence.Children : [node];
        foreach (var item in nodes)
        {
            if (item is YamlScalarNode { Value: { Length: > 0 } value })
            {
                items.Add((value, item));
            }
            else
            {
                Problem(item, Join(path, key), "must be a list of text values");
            }
        }
        if (items.Count == 0)
        {
            Problem(node, Join(path, key), "must not be empty");
        }
        return items;
    }

    /// <summary>A list of values each parsed by <paramref name="parse"/>; values it does not know are problems.</summary>
    public HashSet<T>? Set<T>(Dictionary<string, YamlNode> fields, string key, string path, Func<string, T?> parse, IEnumerable<string> known) where T : struct
    {
        if (List(fields, key, path) is not { } items)
        {
            return null;
        }
        var set = new HashSet<T>();
        foreach (var (value, node) in items)
        {
            if (parse(value) is { } parsed)
            {
                set.Add(parsed);
            }
            else
            {
                Problem(node, Join(path, key), $"'{value}' is not one of: {string.Join(", ", known)}");
            }
        }
        return set;
    }

    /// <summary>One value parsed by <paramref name="parse"/>, or a problem naming what is allowed.</summary>
    public T? One<T>(Dictionary<string, YamlNode> fields, string key, string path, Func<string, T?> parse, IEnumerable<string> known) where T : struct
    {
        var text = Text(fields, key, path);
        if (text is null)
        {
            return null;
        }
        if (parse(text) is { } parsed)
        {
            return parsed;
        }
        Problem(fields[key], Join(path, key), $"'{text}' is not one of: {string.Join(", ", known)}");
        return null;
    }
}
