using System.Globalization;
using System.Text;
using Interlock.Core;
using Interlock.Core.Policy;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Interlock.Policy;

/// <summary>
/// Reads one policy file (YAML, with YamlDotNet's representation model, which keeps every node's line and column) into a
/// <see cref="PolicyFile"/>. Never throws on bad input: every problem becomes a diagnostic that points at the file, line and
/// column and says what was expected. Input is bounded: size, nesting depth, node count; anchors and aliases are refused
/// (they would let a small file expand without bound, and a policy has no need for them).
/// </summary>
public static class PolicyParser
{
    public const int MaxBytes = 1024 * 1024;
    public const int MaxDepth = 32;
    public const int MaxNodes = 200_000;
    public const int MaxRules = 5_000;

    public static readonly string[] TopLevelFields = ["version", "mode", "settings", "rules", "overrides", "commands", "tests"];
    public static readonly string[] SettingFields = ["regenerable_names", "production_names", "staging_names", "development_names", "protected_branches", "protected_paths", "edit_thresholds", "budgets", "fail_closed", "approvals", "environments", "unknown_environment"];
    public static readonly string[] EnvironmentFields = ["production", "staging", "development"];
    public static readonly string[] EditThresholdFields = ["min_lines", "removed_fraction", "kept_fraction", "max_bytes"];
    public static readonly string[] ApprovalSettingFields = ["harness_prompt"];

    /// <summary>`settings.approvals.harness_prompt` values, as written, from the tightest.</summary>
    public static readonly (string Name, HarnessPrompt Value)[] HarnessPromptValues =
        [("never", HarnessPrompt.Never), ("user-mode", HarnessPrompt.UserMode), ("non-production", HarnessPrompt.NonProduction)];

    public static string HarnessPromptName(HarnessPrompt value) => HarnessPromptValues.First(v => v.Value == value).Name;

    public static readonly string[] BudgetFields = ["window", "files_deleted", "lines_removed", "destructive_commands"];
    public static readonly string[] RuleFields = ["id", "description", "match", "verdict", "message", "alternative", "approval", "mode"];
    public static readonly string[] OverrideFields = ["description", "match", "verdict", "message", "alternative", "approval", "mode"];
    public static readonly string[] MatchFields = ["effect", "path", "target", "environment", "tool", "executable", "agent", "session", "repository", "branch", "amount", "recursive"];
    public static readonly string[] ApprovalFields = ["approvers", "group", "expiry"];
    public static readonly string[] CommandFields = ["id", "description", "executable", "subcommand", "args", "effect", "target", "environment", "environment_from", "amount_from", "verdict", "message", "alternative", "approval", "mode"];
    public static readonly string[] ArgsFields = ["any_of", "all_of", "none_of"];
    public static readonly string[] TestFields = ["name", "command", "tool", "path", "content", "old", "new", "arguments", "cwd", "agent", "session", "expect", "rule"];
    public static readonly string[] ListOperationFields = ["add", "remove"];

    /// <summary>Effect kinds as written in policy files (kebab-case of <see cref="EffectKind"/>).</summary>
    public static string EffectName(EffectKind k) => Kebab(k.ToString());

    public static PolicyFile Parse(string text, string path, PolicyLayer layer)
    {
        var file = new PolicyFile { Path = path, Layer = layer };
        var reader = new Reader(file);
        if (Encoding.UTF8.GetByteCount(text) > MaxBytes)
        {
            reader.Error(new SourceLocation(path, 1, 1), $"the file is larger than {MaxBytes / 1024} KiB; split the policy or remove unused rules");
            return file;
        }
        if (!reader.Prescan(text)) return file;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            reader.YamlError(text, new SourceLocation(path, (int)e.Start.Line, (int)e.Start.Column), "this is not valid YAML: " + Plain(e));
            return file;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet 18.1 throws these instead of a YamlException for some malformed input (found by fuzzing).
            reader.YamlError(text, new SourceLocation(path, 1, 1), ReaderFailure);
            return file;
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" or "~" or "null" })
            return file; // an empty file is an empty policy
        if (stream.Documents.Count > 1)
            reader.Error(stream.Documents[1].RootNode, "a policy file holds one YAML document; remove the `---` and everything after it, or merge the documents");
        reader.ReadRoot(stream.Documents[0].RootNode);
        return file;
    }

    private const string TabMessage = "this is not valid YAML: YAML indents with spaces, and this line's indentation has a tab; replace the tab with spaces";

    /// <summary>
    /// The tab that made the YAML reader fail, when one did: the reader's own position for a tab is often the file's
    /// start, or far from the tab, but not every tab is the cause (a tab inside a block scalar, on a blank line, or after
    /// the indentation is fine). A line whose indentation holds a tab is the cause when writing spaces in its place
    /// lets the reader get past where it failed; the lines nearest the failure are tried first, a bounded number.
    /// </summary>
    private static SourceLocation? TabCause(string text, string path)
    {
        if (FailurePosition(text) is not { } failure) return null; // the reader itself is fine: a later stage failed
        var lines = text.Split('\n');
        var candidates = new List<(int Line, int Column)>();
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var indent = 0;
            while (indent < line.Length && line[indent] is ' ' or '\t') indent++;
            var tab = line.IndexOf('\t', 0, indent);
            if (tab >= 0) candidates.Add((n + 1, tab + 1));
        }
        foreach (var (line, column) in candidates.OrderBy(c => Math.Abs(c.Line - failure.Line)).ThenBy(c => c.Line).Take(12))
        {
            var original = lines[line - 1];
            var indent = 0;
            while (indent < original.Length && original[indent] is ' ' or '\t') indent++;
            foreach (var width in (int[])[1, 2, 4, 8])
            {
                lines[line - 1] = original[..indent].Replace("\t", new string(' ', width)) + original[indent..];
                var after = FailurePosition(string.Join('\n', lines));
                lines[line - 1] = original;
                if (after is null || (after.Value.Line, after.Value.Column).CompareTo((failure.Line, failure.Column)) > 0)
                    return new SourceLocation(path, line, column);
            }
        }
        return null;
    }

    /// <summary>Where the YAML reader (events only: syntax, not duplicate keys) fails on <paramref name="text"/>, or null.</summary>
    private static (long Line, long Column)? FailurePosition(string text)
    {
        var at = (Line: 1L, Column: 1L);
        try
        {
            var parser = new Parser(new StringReader(text));
            while (parser.MoveNext()) at = (parser.Current!.Start.Line, parser.Current.Start.Column);
            return null;
        }
        catch (YamlException e)
        {
            return (e.Start.Line, e.Start.Column);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return at;
        }
    }

    /// <summary>The message for malformed YAML that made the YAML library fail with something other than its own
    /// YamlException.</summary>
    internal const string ReaderFailure =
        // The exception's message is the runtime's, sometimes only a resource key (`Arg_InvalidOperationException`
        // under AOT): it says nothing to a policy author, so only where the reader stopped is given.
        "this is not valid YAML (the YAML reader gave up here or after); check the quoting, brackets, indentation and keys from this point on";

    /// <summary>The YAML library's own words for what is wrong, without its position prefix. Never an inner
    /// exception's message: that is the runtime's, which under Native AOT is only a resource key
    /// (`Arg_InvalidOperationException`, `Argument_AddingDuplicateWithKey, x`).</summary>
    internal static string Plain(YamlException e)
    {
        var m = e.Message;
        var at = m.IndexOf("): ", StringComparison.Ordinal);
        m = (at >= 0 && m.StartsWith('(') ? m[(at + 3)..] : m).Trim();
        return m.Length == 0 || LooksLikeResourceKey(m) ? "the YAML reader gave up here; check the quoting, brackets, indentation and keys from this point on" : m;
    }

    /// <summary>A runtime resource key ("Arg_InvalidOperationException", "Argument_AddingDuplicateWithKey, a") rather than words.</summary>
    internal static bool LooksLikeResourceKey(string message)
    {
        var word = message.Split(',', 2)[0];
        return word.Contains('_') && !word.Contains(' ') && word.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
    }

    internal static string Kebab(string pascal)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0) sb.Append('-');
            sb.Append(char.ToLowerInvariant(pascal[i]));
        }
        return sb.ToString();
    }

    private static readonly Dictionary<string, EffectKind> EffectKinds =
        Interlock.Core.EffectKinds.All().ToDictionary(EffectName, k => k, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> EffectNames => EffectKinds.Keys;

    private sealed class Reader(PolicyFile file)
    {
        private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

        public SourceLocation At(YamlNode n) => new(file.Path, (int)n.Start.Line, (int)n.Start.Column);
        public void Error(SourceLocation at, string message) => file.Diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, at, message));
        public void Error(YamlNode n, string message) => Error(At(n), message);
        public void Warning(YamlNode n, string message) => file.Diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Warning, At(n), message));

        /// <summary>Event-level checks before building the tree: no anchors or aliases, bounded depth and size.</summary>
        /// <summary>The YAML reader failed at <paramref name="at"/>: a tab in some line's indentation is the likely
        /// cause and is reported where it is; otherwise the reader's own position and message.</summary>
        public void YamlError(string text, SourceLocation at, string message)
        {
            if (TabCause(text, file.Path) is { } tab) Error(tab, TabMessage);
            else Error(at, message);
        }

        public bool Prescan(string text)
        {
            var at = new SourceLocation(file.Path, 1, 1); // the last event read: where a failure of the YAML reader is reported
            try
            {
                var parser = new Parser(new StringReader(text));
                int depth = 0, nodes = 0;
                while (parser.MoveNext())
                {
                    var ev = parser.Current!;
                    at = new SourceLocation(file.Path, (int)ev.Start.Line, (int)ev.Start.Column);
                    if (ev is AnchorAlias || ev is NodeEvent { Anchor.IsEmpty: false })
                    {
                        Error(at, "anchors (&name) and aliases (*name) are not supported in policy files; write the value out");
                        return false;
                    }
                    if (ev is MappingStart or SequenceStart && ++depth > MaxDepth)
                    {
                        Error(at, $"the policy is nested more than {MaxDepth} levels deep; a policy needs at most 5");
                        return false;
                    }
                    if (ev is MappingEnd or SequenceEnd) depth--;
                    if (ev is NodeEvent && ++nodes > MaxNodes)
                    {
                        Error(at, $"the policy has more than {MaxNodes} values; split it up");
                        return false;
                    }
                }
                return true;
            }
            catch (YamlException e)
            {
                YamlError(text, new SourceLocation(file.Path, (int)e.Start.Line, (int)e.Start.Column), "this is not valid YAML: " + Plain(e));
                return false;
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                // YamlDotNet 18.1's scanner throws InvalidOperationException for some malformed plain scalars (found by fuzzing).
                YamlError(text, at, ReaderFailure);
                return false;
            }
        }

        // ---- generic readers ----

        private YamlMappingNode? Map(YamlNode n, string what)
        {
            if (n is YamlMappingNode m) return m;
            Error(n, $"{what} must be a mapping (`key: value` lines), not {Describe(n)}");
            return null;
        }

        private static string Describe(YamlNode n) => n switch
        {
            YamlScalarNode s => $"the value `{s.Value}`",
            YamlSequenceNode => "a list",
            _ => "a mapping",
        };

        /// <summary>The entries of a mapping with string keys; unknown keys are errors that list the known ones.</summary>
        private IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries(YamlMappingNode m, string what, string[] known)
        {
            foreach (var (k, v) in m.Children)
            {
                if (k is not YamlScalarNode { Value: { } key })
                {
                    Error(k, $"keys in {what} must be plain words");
                    continue;
                }
                if (!known.Contains(key))
                {
                    var hint = Nearest(key, known) is { } near ? $"did you mean `{near}`? " : "";
                    Error(k, $"unknown field `{key}` in {what}; {hint}expected one of: {string.Join(", ", known)}");
                    continue;
                }
                yield return (key, k, v);
            }
        }

        private static string? Nearest(string word, IEnumerable<string> candidates) =>
            candidates.Select(c => (c, d: Distance(word, c))).Where(x => x.d <= Math.Max(2, word.Length / 3)).OrderBy(x => x.d).Select(x => x.c).FirstOrDefault();

        private static int Distance(string a, string b)
        {
            var d = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++) d[j] = j;
            for (var i = 1; i <= a.Length; i++)
            {
                var prev = d[0];
                d[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var tmp = d[j];
                    d[j] = Math.Min(Math.Min(d[j] + 1, d[j - 1] + 1), prev + (a[i - 1] == b[j - 1] ? 0 : 1));
                    prev = tmp;
                }
            }
            return d[b.Length];
        }

        private string? Str(YamlNode n, string what)
        {
            if (n is YamlScalarNode { Value: { } v } && v.Length > 0) return v;
            Error(n, $"{what} must be a non-empty text value, not {Describe(n)}");
            return null;
        }

        /// <summary>A single value or a list of values.</summary>
        private List<string>? Strings(YamlNode n, string what, bool allowEmpty = false)
        {
            if (allowEmpty && n is YamlSequenceNode { Children.Count: 0 }) return [];
            if (n is YamlScalarNode) return Str(n, what) is { } one ? [one] : null;
            if (n is not YamlSequenceNode seq)
            {
                Error(n, $"{what} must be a value or a list of values, not {Describe(n)}");
                return null;
            }
            var list = new List<string>();
            foreach (var item in seq)
                if (Str(item, $"each entry of {what}") is { } s) list.Add(s);
            if (list.Count == 0) Error(n, $"{what} is an empty list; remove it or give at least one value");
            return list.Count == 0 ? null : list;
        }

        private long? Integer(YamlNode n, string what, long min, long max)
        {
            if (n is YamlScalarNode { Value: { } v } && long.TryParse(v.Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var x))
            {
                if (x >= min && x <= max) return x;
                Error(n, $"{what} must be between {min} and {max}, not {x}");
                return null;
            }
            Error(n, $"{what} must be a whole number, not {Describe(n)}");
            return null;
        }

        private double? Fraction(YamlNode n, string what)
        {
            if (n is YamlScalarNode { Value: { } v } && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x >= 0 && x <= 1)
                return x;
            Error(n, $"{what} must be a fraction between 0 and 1 (e.g. 0.5), not {Describe(n)}");
            return null;
        }

        private bool? Bool(YamlNode n, string what)
        {
            if (n is YamlScalarNode { Value: "true" or "yes" or "on" }) return true;
            if (n is YamlScalarNode { Value: "false" or "no" or "off" }) return false;
            Error(n, $"{what} must be true or false, not {Describe(n)}");
            return null;
        }

        private TimeSpan? Duration(YamlNode n, string what)
        {
            if (n is YamlScalarNode { Value: { } v } && Interlock.Core.Durations.Parse(v) is { } t && t >= TimeSpan.FromSeconds(1) && t <= TimeSpan.FromDays(366))
                return t;
            Error(n, $"{what} must be a duration {Interlock.Core.Durations.Examples} (at least 1s, at most a year), not {Describe(n)}");
            return null;
        }

        private Verdict? ParseVerdict(YamlNode n, string what, bool allowAllow = true)
        {
            var v = n is YamlScalarNode s ? s.Value : null;
            switch (v)
            {
                case "deny": return Verdict.Deny;
                case "ask": return Verdict.Ask;
                case "allow" when allowAllow: return Verdict.Allow;
            }
            Error(n, $"{what} must be {(allowAllow ? "allow, ask or deny" : "ask or deny")}, not {Describe(n)}");
            return null;
        }

        private RuleMode? Mode(YamlNode n)
        {
            if (n is YamlScalarNode { Value: "enforce" }) return RuleMode.Enforce;
            if (n is YamlScalarNode { Value: "shadow" }) return RuleMode.Shadow;
            Error(n, $"mode must be `enforce` (the rule decides) or `shadow` (the rule is recorded but does not decide), not {Describe(n)}");
            return null;
        }

        private EffectKind? Effect(YamlNode n)
        {
            var v = n is YamlScalarNode s ? s.Value : null;
            if (v is not null && EffectKinds.TryGetValue(v, out var k)) return k;
            var hint = v is not null && Nearest(v, EffectKinds.Keys) is { } near ? $"did you mean `{near}`? " : "";
            Error(n, $"unknown effect {(v is null ? Describe(n) : $"`{v}`")}; {hint}expected one of: {string.Join(", ", EffectKinds.Keys)}");
            return null;
        }

        private TargetEnvironment? Environment(YamlNode n)
        {
            switch (n is YamlScalarNode s ? s.Value : null)
            {
                case "production": return TargetEnvironment.Production;
                case "staging": return TargetEnvironment.Staging;
                case "development": return TargetEnvironment.Development;
                case "unknown": return TargetEnvironment.Unknown;
            }
            Error(n, $"environment must be production, staging, development or unknown, not {Describe(n)}");
            return null;
        }

        private string? Id(YamlNode n, string what)
        {
            var id = Str(n, what);
            if (id is null) return null;
            if (!id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                Error(n, $"{what} `{id}` may contain only letters, digits, `.`, `-` and `_` (e.g. team.no-prod-deletes)");
                return null;
            }
            if (!_ids.Add(id))
            {
                Error(n, $"the id `{id}` is used twice in this file; every rule needs its own id");
                return null;
            }
            return id;
        }

        // ---- the document ----

        public void ReadRoot(YamlNode root)
        {
            if (Map(root, "a policy file") is not { } m) return;
            foreach (var (key, _, v) in Entries(m, "a policy file", TopLevelFields))
            {
                switch (key)
                {
                    case "version":
                        if (v is not YamlScalarNode { Value: "1" }) Error(v, "version must be 1 (the only policy format so far)");
                        break;
                    case "mode":
                        if (Mode(v) is { } mode) file.Mode = mode;
                        break;
                    case "settings": ReadSettings(v); break;
                    case "rules": ReadList(v, "rules", ReadRule); break;
                    case "overrides": ReadOverrides(v); break;
                    case "commands": ReadList(v, "commands", ReadCommand); break;
                    case "tests": ReadList(v, "tests", ReadTest); break;
                }
            }
            // A file-wide shadow mode applies to everything the file adds or changes.
            if (file.Mode == RuleMode.Shadow)
            {
                for (var i = 0; i < file.Rules.Count; i++) file.Rules[i] = file.Rules[i] with { Mode = RuleMode.Shadow };
                for (var i = 0; i < file.Commands.Count; i++) file.Commands[i] = file.Commands[i] with { Mode = RuleMode.Shadow };
            }
        }

        private void ReadList(YamlNode n, string what, Action<YamlMappingNode> read)
        {
            if (n is YamlScalarNode { Value: null or "" or "~" or "null" }) return;
            if (n is not YamlSequenceNode seq)
            {
                Error(n, $"`{what}` must be a list (each entry starts with `- `), not {Describe(n)}");
                return;
            }
            if (seq.Children.Count > MaxRules)
            {
                Error(n, $"`{what}` has more than {MaxRules} entries");
                return;
            }
            foreach (var item in seq)
                if (Map(item, $"each entry of `{what}`") is { } m) read(m);
        }

        private void ReadSettings(YamlNode n)
        {
            if (Map(n, "`settings`") is not { } m) return;
            var s = file.Settings;
            foreach (var (key, _, v) in Entries(m, "`settings`", SettingFields))
            {
                var at = At(v);
                switch (key)
                {
                    case "regenerable_names": s.RegenerableNames = ListSetting(v, key, at); break;
                    case "production_names": s.ProductionNames = ListSetting(v, key, at); break;
                    case "staging_names": s.StagingNames = ListSetting(v, key, at); break;
                    case "development_names": s.DevelopmentNames = ListSetting(v, key, at); break;
                    case "protected_branches": s.ProtectedBranches = ListSetting(v, key, at); break;
                    case "protected_paths": s.ProtectedPaths = ListSetting(v, key, at); break;
                    case "fail_closed":
                        if (ParseVerdict(v, "fail_closed", allowAllow: false) is { } fc) s.FailClosed = new(fc, at);
                        break;
                    case "environments": ReadEnvironments(v, at); break;
                    case "unknown_environment":
                        if (Str(v, "`unknown_environment`") is { } ue)
                        {
                            if (ue is "production" or "unknown") s.UnknownIsProduction = new(ue == "production", at);
                            else Error(v, $"`unknown_environment` must be `production` (a remote target whose environment cannot be told counts as production) or `unknown` (the default), not `{ue}`");
                        }
                        break;
                    case "approvals":
                        if (Map(v, "`approvals`") is not { } ap) break;
                        foreach (var (k2, _, v2) in Entries(ap, "`approvals`", ApprovalSettingFields))
                        {
                            var name = v2 is YamlScalarNode sc ? sc.Value : null;
                            var match = HarnessPromptValues.Where(h => h.Name == name).ToList();
                            if (match.Count == 1) s.HarnessPrompt = new(match[0].Value, At(v2));
                            else Error(v2, $"{k2} must be {string.Join(", ", HarnessPromptValues[..^1].Select(h => h.Name))} or {HarnessPromptValues[^1].Name}, not {Describe(v2)}");
                        }
                        break;
                    case "edit_thresholds":
                        if (Map(v, "`edit_thresholds`") is not { } e) break;
                        foreach (var (k2, _, v2) in Entries(e, "`edit_thresholds`", EditThresholdFields))
                        {
                            var at2 = At(v2);
                            switch (k2)
                            {
                                case "min_lines": if (Integer(v2, k2, 1, 1_000_000) is { } a) s.MinLines = new((int)a, at2); break;
                                case "max_bytes": if (Integer(v2, k2, 1024, 64 * 1024 * 1024) is { } b) s.MaxBytes = new((int)b, at2); break;
                                case "removed_fraction": if (Fraction(v2, k2) is { } c) s.RemovedFraction = new(c, at2); break;
                                case "kept_fraction": if (Fraction(v2, k2) is { } d) s.KeptFraction = new(d, at2); break;
                            }
                        }
                        break;
                    case "budgets":
                        if (Map(v, "`budgets`") is not { } b2) break;
                        foreach (var (k2, _, v2) in Entries(b2, "`budgets`", BudgetFields))
                        {
                            var at2 = At(v2);
                            switch (k2)
                            {
                                case "window": if (Duration(v2, k2) is { } w) s.Window = new(w, at2); break;
                                case "files_deleted": if (Integer(v2, k2, 1, int.MaxValue) is { } f) s.FilesDeleted = new((int)f, at2); break;
                                case "lines_removed": if (Integer(v2, k2, 1, int.MaxValue) is { } l) s.LinesRemoved = new((int)l, at2); break;
                                case "destructive_commands": if (Integer(v2, k2, 1, int.MaxValue) is { } c2) s.DestructiveCommands = new((int)c2, at2); break;
                            }
                        }
                        break;
                }
            }
        }

        /// <summary><c>environments: { production: { kube_contexts: [main], aws_accounts: ["123456789012"] }, staging: ... }</c></summary>
        private void ReadEnvironments(YamlNode v, SourceLocation at)
        {
            if (Map(v, "`environments`") is not { } m) return;
            var keys = Interlock.Core.Environments.DeclaredEnvironments.Keys;
            var kinds = keys.Select(k => k.Key).ToArray();
            var declared = new List<(Interlock.Core.Environments.DeclaredTarget Target, SourceLocation At)>();
            foreach (var (envName, _, envValue) in Entries(m, "`environments`", EnvironmentFields))
            {
                var environment = envName switch { "production" => TargetEnvironment.Production, "staging" => TargetEnvironment.Staging, _ => TargetEnvironment.Development };
                if (Map(envValue, $"`environments.{envName}`") is not { } byKind) continue;
                foreach (var (kindName, _, names) in Entries(byKind, $"`environments.{envName}`", kinds))
                {
                    var kind = Array.Find(keys, k => k.Key == kindName).Kind;
                    if (Strings(names, $"`environments.{envName}.{kindName}`") is not { } list) continue;
                    foreach (var name in list)
                        declared.Add((new(environment, kind, name.Trim()), At(names)));
                }
            }
            file.Settings.Environments = new(declared, at);
        }

        private Setting<ListSetting>? ListSetting(YamlNode v, string key, SourceLocation at)
        {
            if (v is YamlSequenceNode)
                return Strings(v, $"`{key}`", allowEmpty: true) is { } list ? new(new ListSetting(list, [], []), at) : null;
            if (v is not YamlMappingNode m)
            {
                Error(v, $"`{key}` must be a list (replaces the inherited list) or a mapping with `add:` and/or `remove:` lists, not {Describe(v)}");
                return null;
            }
            List<string> add = [], remove = [];
            foreach (var (k, _, v2) in Entries(m, $"`{key}`", ListOperationFields))
            {
                var values = Strings(v2, $"`{key}.{k}`", allowEmpty: true) ?? [];
                if (k == "add") add = values; else remove = values;
            }
            return new(new ListSetting(null, add, remove), at);
        }

        private ApprovalRequirement? Approval(YamlNode n)
        {
            if (n is YamlScalarNode)
                return Integer(n, "approval (a number of approvers)", 1, 10) is { } count ? new ApprovalRequirement((int)count) : null;
            if (Map(n, "`approval`") is not { } m) return null;
            var approvers = 1;
            string? group = null;
            TimeSpan? expiry = null;
            foreach (var (k, _, v) in Entries(m, "`approval`", ApprovalFields))
            {
                switch (k)
                {
                    case "approvers": approvers = (int)(Integer(v, "approvers", 1, 10) ?? 1); break;
                    case "group": group = Str(v, "group"); break;
                    case "expiry": expiry = Duration(v, "expiry"); break;
                }
            }
            return new ApprovalRequirement(approvers, group, expiry);
        }

        private RuleConditions? Conditions(YamlNode n)
        {
            if (Map(n, "`match`") is not { } m) return null;
            var c = new RuleConditions();
            foreach (var (k, _, v) in Entries(m, "`match`", MatchFields))
            {
                switch (k)
                {
                    case "effect":
                        var kinds = v is YamlSequenceNode seq ? seq.Select(Effect).ToList() : [Effect(v)];
                        if (kinds.All(x => x is not null) && kinds.Count > 0) c = c with { Effects = kinds.Select(x => x!.Value).ToList() };
                        break;
                    case "path": c = c with { Paths = Strings(v, "`path`") }; break;
                    case "target": c = c with { Targets = Strings(v, "`target`") }; break;
                    case "tool": c = c with { Tools = Strings(v, "`tool`") }; break;
                    case "executable": c = c with { Executables = Strings(v, "`executable`") }; break;
                    case "agent": c = c with { Agents = Strings(v, "`agent`") }; break;
                    case "session": c = c with { Sessions = Strings(v, "`session`") }; break;
                    case "repository": c = c with { Repositories = Strings(v, "`repository`") }; break;
                    case "branch": c = c with { Branches = Strings(v, "`branch`") }; break;
                    case "environment":
                        var envs = v is YamlSequenceNode es ? es.Select(Environment).ToList() : [Environment(v)];
                        if (envs.All(x => x is not null) && envs.Count > 0) c = c with { Environments = envs.Select(x => x!.Value).ToList() };
                        break;
                    case "recursive": c = c with { Recursive = Bool(v, "`recursive`") }; break;
                    case "amount": c = c with { Amount = Amount(v) }; break;
                }
            }
            return c;
        }

        private AmountRange? Amount(YamlNode n)
        {
            if (n is YamlMappingNode m)
            {
                long? min = null, max = null;
                foreach (var (k, _, v) in Entries(m, "`amount`", ["min", "max"]))
                    if (k == "min") min = Integer(v, "amount.min", 0, long.MaxValue); else max = Integer(v, "amount.max", 0, long.MaxValue);
                return min is null && max is null ? null : new AmountRange(min, max);
            }
            var text = (n as YamlScalarNode)?.Value?.Replace(" ", "") ?? "";
            (string op, long value)? parsed = null;
            foreach (var op in new[] { ">=", "<=", ">", "<", "=" })
                if (text.StartsWith(op, StringComparison.Ordinal) && long.TryParse(text[op.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var x))
                { parsed = (op, x); break; }
            if (parsed is null && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var exact)) parsed = ("=", exact);
            if (parsed is { } p)
                return p.op switch
                {
                    ">=" => new AmountRange(p.value, null),
                    ">" => new AmountRange(p.value + 1, null),
                    "<=" => new AmountRange(null, p.value),
                    "<" => new AmountRange(null, p.value - 1),
                    _ => new AmountRange(p.value, p.value),
                };
            Error(n, $"amount must be a comparison such as \">= 100\", \"< 10\" or 50, or a mapping {{min: 10, max: 50}}, not {Describe(n)}");
            return null;
        }

        private void ReadRule(YamlMappingNode m)
        {
            string? id = null;
            RuleConditions? match = null;
            Verdict? verdict = null;
            YamlNode? verdictNode = null;
            string? message = null, alternative = null;
            ApprovalRequirement? approval = null;
            var mode = RuleMode.Enforce;
            foreach (var (k, _, v) in Entries(m, "a rule", RuleFields))
            {
                switch (k)
                {
                    case "id": id = Id(v, "id"); break;
                    case "description": Str(v, "description"); break;
                    case "match": match = Conditions(v); break;
                    case "verdict": verdict = ParseVerdict(v, "verdict"); verdictNode = v; break;
                    case "message": message = Str(v, "message"); break;
                    case "alternative": alternative = Str(v, "alternative"); break;
                    case "approval": approval = Approval(v); break;
                    case "mode": mode = Mode(v) ?? mode; break;
                }
            }
            if (!m.Children.ContainsKey(new YamlScalarNode("id"))) Error(m, "a rule needs an `id` (e.g. id: team.no-prod-deletes), which explain, the audit trail and tests refer to");
            if (!m.Children.ContainsKey(new YamlScalarNode("match"))) Error(m, "a rule needs `match:` with at least one condition (effect, path, target, environment, tool, executable, agent, session, repository, branch, amount, recursive); to change a built-in rule, use `overrides:` with its id");
            else if (m.Children[new YamlScalarNode("match")] is YamlMappingNode { Children.Count: 0 } empty) Error(empty, "`match:` needs at least one condition; a rule that matches everything would stop every action");
            if (!m.Children.ContainsKey(new YamlScalarNode("verdict"))) Error(m, "a rule needs a `verdict`: ask or deny");
            if (verdict == Verdict.Allow)
                Error(verdictNode!, "a rule cannot allow: deny > ask > allow, so an allow rule never wins over a stop. To loosen a built-in rule, write `overrides:` with its id (in a user or system policy file)");
            if (approval is not null && verdict == Verdict.Deny) Warning(m, "`approval` only applies to ask; this rule denies, so it is ignored");
            if (id is null || match is null || verdict is null || verdict == Verdict.Allow || match.Specificity == 0) return;
            if (BuiltInRuleIds.All.Contains(id)) { Error(m, $"`{id}` is a built-in rule id; to change that rule use `overrides: {{{id}: ...}}`, or give this rule its own id"); return; }
            file.Rules.Add(new PolicyRule(id, match, verdict.Value)
            {
                Message = message, Alternative = alternative, Approval = approval, Mode = mode, Layer = file.Layer, Location = At(m),
            });
        }

        private void ReadOverrides(YamlNode n)
        {
            if (n is YamlScalarNode { Value: null or "" or "~" or "null" }) return;
            if (Map(n, "`overrides` (built-in rule id: changes)") is not { } m) return;
            foreach (var (keyNode, value) in m.Children)
            {
                if (keyNode is not YamlScalarNode { Value: { } id })
                {
                    Error(keyNode, "each key of `overrides` must be a built-in rule id such as git.discard-changes");
                    continue;
                }
                if (!BuiltInRuleIds.All.Contains(id))
                {
                    var hint = Nearest(id, BuiltInRuleIds.All) is { } near ? $"did you mean `{near}`? " : "";
                    Error(keyNode, $"`{id}` is not a built-in rule id; {hint}`interlock policy show --rules` lists them");
                    continue;
                }
                if (Map(value, $"the override of `{id}`") is not { } o) continue;
                RuleConditions match = RuleConditions.Any;
                Verdict? verdict = null;
                string? message = null, alternative = null;
                ApprovalRequirement? approval = null;
                var mode = RuleMode.Enforce;
                var refused = false;
                foreach (var (k, _, v) in Entries(o, $"the override of `{id}`", OverrideFields))
                {
                    switch (k)
                    {
                        case "description": Str(v, "description"); break;
                        case "match": match = Conditions(v) ?? match; break;
                        case "verdict":
                            verdict = ParseVerdict(v, "verdict");
                            if (verdict == Verdict.Allow && BuiltInPolicy.TightenOnlyRuleIds.Contains(id))
                            {
                                Error(v, $"`{id}` can only be tightened (deny, more approvers, a group, an expiry, a message), in any policy file: it means Interlock could not read the command at all, and an agent can make any command unreadable (pad it past the length limit or nest it past the depth limit), so allowing it would let every action through unchecked. Use `verdict: deny` or `verdict: ask`, or remove the verdict");
                                verdict = null;
                                refused = true;
                            }
                            else if (file.Layer == PolicyLayer.Project && verdict == Verdict.Allow)
                                Warning(v, $"a project policy can only tighten (the agent can write to the repository): this override cannot allow `{id}` and is kept at its built-in verdict. Put loosening overrides in ~/.config/interlock/policy.yaml or /etc/interlock/policy.yaml");
                            break;
                        case "message": message = Str(v, "message"); break;
                        case "alternative": alternative = Str(v, "alternative"); break;
                        case "approval": approval = Approval(v); break;
                        case "mode": mode = Mode(v) ?? mode; break;
                    }
                }
                if (verdict is null && approval is null && message is null && alternative is null)
                {
                    if (!refused) Error(o, $"the override of `{id}` changes nothing; give a verdict, an approval, a message or an alternative");
                    continue;
                }
                file.Rules.Add(new PolicyRule(id, match, verdict ?? Verdict.Ask)
                {
                    Overrides = id, KeepsVerdict = verdict is null, Message = message, Alternative = alternative, Approval = approval,
                    Mode = mode, Layer = file.Layer, Location = At(keyNode),
                });
            }
        }

        private void ReadCommand(YamlMappingNode m)
        {
            string? id = null, executable = null, target = null, environmentFrom = null, amountFrom = null, description = null, message = null, alternative = null;
            List<string> subcommand = [];
            var args = new ArgumentConditions();
            EffectKind? effect = null;
            TargetEnvironment? environment = null;
            Verdict? verdict = null;
            ApprovalRequirement? approval = null;
            var mode = RuleMode.Enforce;
            foreach (var (k, _, v) in Entries(m, "a command rule", CommandFields))
            {
                switch (k)
                {
                    case "id": id = Id(v, "id"); break;
                    case "description": description = Str(v, "description"); break;
                    case "executable":
                        executable = Str(v, "executable");
                        if (executable is not null && executable.Contains('/')) { Error(v, "executable is the program's name without a directory (e.g. ourctl), as the guard matches it wherever it is installed"); executable = null; }
                        break;
                    case "subcommand":
                        subcommand = v is YamlScalarNode ? (Str(v, "subcommand") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList() : Strings(v, "subcommand") ?? [];
                        break;
                    case "args":
                        if (Map(v, "`args`") is not { } a) break;
                        foreach (var (k2, _, v2) in Entries(a, "`args`", ArgsFields))
                        {
                            var list = Strings(v2, $"`args.{k2}`");
                            args = k2 switch { "any_of" => args with { AnyOf = list }, "all_of" => args with { AllOf = list }, _ => args with { NoneOf = list } };
                        }
                        break;
                    case "effect": effect = Effect(v); break;
                    case "target": target = Str(v, "target"); break;
                    case "environment": environment = Environment(v); break;
                    case "environment_from": environmentFrom = Str(v, "environment_from"); break;
                    case "amount_from": amountFrom = Str(v, "amount_from"); break;
                    case "verdict": verdict = ParseVerdict(v, "verdict"); break;
                    case "message": message = Str(v, "message"); break;
                    case "alternative": alternative = Str(v, "alternative"); break;
                    case "approval": approval = Approval(v); break;
                    case "mode": mode = Mode(v) ?? mode; break;
                }
            }
            if (!m.Children.ContainsKey(new YamlScalarNode("id"))) Error(m, "a command rule needs an `id` (e.g. id: ourctl.wipe)");
            if (!m.Children.ContainsKey(new YamlScalarNode("executable"))) Error(m, "a command rule needs `executable:` (the program's name, e.g. ourctl)");
            if (!m.Children.ContainsKey(new YamlScalarNode("effect")) && !m.Children.ContainsKey(new YamlScalarNode("verdict")))
                Error(m, "a command rule needs an `effect:` (what the command does, e.g. destroy-data; the rules for that effect then decide) or a `verdict:` (ask or deny), or both");
            if (verdict == Verdict.Allow)
                Error(m, "a command rule cannot allow: it teaches the guard what a command does; commands it does not know are already allowed unless they have a destructive effect");
            if (id is null || executable is null || verdict == Verdict.Allow || (effect is null && verdict is null)) return;
            file.Commands.Add(new CommandRule(id, executable, subcommand, effect ?? EffectKind.CustomCommand)
            {
                Arguments = args, Target = target, Environment = environment, EnvironmentFrom = environmentFrom, AmountFrom = amountFrom,
                Description = description, Verdict = verdict, Message = message, Alternative = alternative, Approval = approval,
                Mode = mode, Layer = file.Layer, Location = At(m),
            });
        }

        private void ReadTest(YamlMappingNode m)
        {
            string? name = null, command = null, tool = null, path = null, content = null, oldText = null, newText = null, arguments = null, cwd = null, agent = null, session = null, rule = null;
            Verdict? expect = null;
            foreach (var (k, _, v) in Entries(m, "a test", TestFields))
            {
                switch (k)
                {
                    case "name": name = Str(v, "name"); break;
                    case "command": command = Str(v, "command"); break;
                    case "tool": tool = Str(v, "tool"); break;
                    case "path": path = Str(v, "path"); break;
                    case "content": content = (v as YamlScalarNode)?.Value ?? ""; break;
                    case "old": oldText = Str(v, "old"); break;
                    case "new": newText = (v as YamlScalarNode)?.Value ?? ""; break;
                    case "arguments": arguments = Json(v); break;
                    case "cwd":
                        cwd = Str(v, "cwd");
                        if (cwd is not null && !cwd.StartsWith('/')) { Error(v, "cwd must be an absolute path"); cwd = null; }
                        break;
                    case "agent": agent = Str(v, "agent"); break;
                    case "session": session = Str(v, "session"); break;
                    case "expect": expect = ParseVerdict(v, "expect"); break;
                    case "rule": rule = Str(v, "rule"); break;
                }
            }
            if (expect is null) { Error(m, "a test needs `expect:` allow, ask or deny"); return; }
            if ((command is null) == (tool is null || tool == "Bash"))
            {
                if (command is null) { Error(m, "a test needs `command:` (a shell command) or `tool:` (Write, Edit, Read, or an MCP tool mcp__server__tool) with its inputs"); return; }
            }
            var where = cwd ?? ""; // empty: the runner substitutes the directory the tests run from
            ActionRequest request;
            if (command is not null) request = new ActionRequest("Bash", command, where);
            else if (tool is "Write" or "Edit" or "Read")
            {
                if (path is null) { Error(m, $"a {tool} test needs `path:`"); return; }
                var action = new FileAction(Enum.Parse<FileToolKind>(tool), path);
                if (tool == "Write") action = action with { Content = content ?? "" };
                if (tool == "Edit")
                {
                    if (oldText is null) { Error(m, "an Edit test needs `old:` (the text replaced) and `new:`"); return; }
                    action = action with { Edits = [new TextEdit(oldText, newText ?? "")] };
                }
                request = new ActionRequest(tool, null, where) { File = action };
            }
            else if (tool!.StartsWith("mcp__", StringComparison.Ordinal)) request = new ActionRequest(tool, null, where) { ToolArguments = arguments };
            else { Error(m, $"tests support the tools Bash (via `command:`), Write, Edit, Read and MCP tools (mcp__server__tool), not `{tool}`"); return; }
            file.Tests.Add(new PolicyTestCase(name ?? command ?? $"{tool} {path}", request with { Agent = agent, Session = session }, expect.Value)
            {
                ExpectedRule = rule, Location = At(m),
            });
        }

        /// <summary>YAML arguments of an MCP test as JSON text (scalars become strings, numbers or booleans).</summary>
        private static string Json(YamlNode n)
        {
            var sb = new StringBuilder();
            Write(n, sb);
            return sb.ToString();

            static void Write(YamlNode n, StringBuilder sb)
            {
                switch (n)
                {
                    case YamlMappingNode m:
                        sb.Append('{');
                        var first = true;
                        foreach (var (k, v) in m.Children)
                        {
                            if (!first) sb.Append(',');
                            first = false;
                            sb.Append(System.Text.Json.JsonSerializer.Serialize(((YamlScalarNode)k).Value ?? "", PolicyJsonContext.Default.String)).Append(':');
                            Write(v, sb);
                        }
                        sb.Append('}');
                        break;
                    case YamlSequenceNode s:
                        sb.Append('[').AppendJoin(',', s.Children.Select(c => { var b = new StringBuilder(); Write(c, b); return b.ToString(); })).Append(']');
                        break;
                    case YamlScalarNode { Style: ScalarStyle.Plain, Value: { } v } when v is "true" or "false" || double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _):
                        sb.Append(v);
                        break;
                    case YamlScalarNode s:
                        sb.Append(System.Text.Json.JsonSerializer.Serialize(s.Value ?? "", PolicyJsonContext.Default.String));
                        break;
                }
            }
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class PolicyJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
