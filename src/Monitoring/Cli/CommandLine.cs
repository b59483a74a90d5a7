namespace Monitoring.Cli;

/// <summary>
/// Tiny argument parser: a command word, then <c>--name value</c> options (repeatable) and <c>--flag</c>s. Commands named
/// in <c>wordCommands</c> also take bare words (e.g. <c>outbox status</c>), anywhere among the options; other commands
/// reject them.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly List<string> _words = [];
    private bool _wordsUsed;

    public CommandLine(IReadOnlyList<string> args, IReadOnlySet<string> flags, IReadOnlySet<string>? wordCommands = null)
    {
        Command = args.Count > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "help";
        for (var i = Command == "help" && (args.Count == 0 || args[0] != "help") ? 0 : 1; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) && Command != "help" && wordCommands?.Contains(Command) == true)
            {
                _words.Add(a);
                continue;
            }
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length < 3)
                throw new UsageException($"unexpected argument '{a}'");
            var name = a[2..];
            var eq = name.IndexOf('=');
            if (eq > 0)
            {
                Add(name[..eq], name[(eq + 1)..]);
            }
            else if (flags.Contains(name))
            {
                _flags.Add(name);
            }
            else
            {
                if (i + 1 >= args.Count) throw new UsageException($"option --{name} needs a value");
                Add(name, args[++i]);
            }
        }
    }

    public string Command { get; }

    /// <summary>The bare words after the command (only for the commands that take them), in order.</summary>
    public IReadOnlyList<string> Words
    {
        get
        {
            _wordsUsed = true;
            return _words;
        }
    }

    private void Add(string name, string value)
    {
        if (!_options.TryGetValue(name, out var list)) _options[name] = list = [];
        list.Add(value);
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        return _flags.Contains(name);
    }

    public string? Get(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var v) ? v[^1] : null;
    }

    public string Require(string name, string what) =>
        Get(name) ?? throw new UsageException($"{Command} needs --{name} ({what})");

    public IReadOnlyList<string> GetAll(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var v) ? v : [];
    }

    public int GetInt(string name, int fallback)
    {
        var s = Get(name);
        if (s is null) return fallback;
        return int.TryParse(s, out var v) ? v : throw new UsageException($"--{name} wants a whole number, got '{s}'");
    }

    public double GetDouble(string name, double fallback)
    {
        var s = Get(name);
        if (s is null) return fallback;
        return double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : throw new UsageException($"--{name} wants a number, got '{s}'");
    }

    /// <summary>Fails on options the command did not read (typos).</summary>
    public void EnsureAllUsed()
    {
        if (!_wordsUsed && _words.Count > 0) throw new UsageException($"unexpected argument '{_words[0]}'");
        var unknown = _options.Keys.Concat(_flags).Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option(s) for '{Command}': {string.Join(", ", unknown.Select(u => "--" + u))}");
    }
}

public sealed class UsageException(string message) : Exception(message);
