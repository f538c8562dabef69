using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// How git's own option parser (parse-options.c) reads a subcommand's arguments, so the knowledge sees what git sees:
/// <list type="bullet">
/// <item>a long option may be abbreviated to any prefix that is unique among that subcommand's long options
/// (<c>git reset --ha</c> is <c>--hard</c>, <c>git clean --forc</c> is <c>--force</c>); a prefix of several
/// (<c>git push --forc</c>: --force, --force-with-lease, --force-if-includes) is an error and git does nothing;
/// an exact name always wins over abbreviations;</item>
/// <item><c>--no-X</c> negates X (and an option spelled <c>--no-X</c>, such as push's <c>--no-verify</c>, is negated by <c>--X</c>);
/// the last occurrence of an option decides;</item>
/// <item>an option that takes a value takes the next argument (<c>--conflict merge</c>, <c>-b name</c>) or the rest
/// of the word (<c>--conflict=merge</c>, <c>-bname</c>); an optional value is only ever attached (<c>--prune=now</c>);</item>
/// <item>short options bundle (<c>-fdx</c>); options and operands mix freely until <c>--</c>.</item>
/// </list>
/// An option the tables do not know is kept as written and never makes the command count as rejected: a table that
/// misses an option must not turn a destructive command into "git would refuse it". Global options before the
/// subcommand (<c>--git-dir</c>...) are matched exactly by git, without abbreviation, and are not read here.
/// </summary>
public static class GitOptions
{
    public enum Arity { None, Required, Optional }

    private sealed record LongOption(string Name, string Key, Arity Arity, bool Negatable);

    /// <summary>One subcommand's options: long names (with the key they set) and the short letters that take values.</summary>
    private sealed class Spec
    {
        public readonly List<LongOption> Longs = [];
        public readonly Dictionary<char, (string Key, Arity Arity)> Shorts = [];
    }

    /// <summary>One option as git parsed it: its key (the long name, or the letter when it has none), its value, and
    /// whether it was negated (<c>--no-force</c>).</summary>
    public readonly record struct Parsed(string Key, string? Value, bool Negated, string Written, bool ValueKnown = true);

    /// <summary>The arguments of one subcommand as git reads them.</summary>
    /// <param name="Rejected">Why git refuses the command line (an ambiguous abbreviation, a missing value); null when it runs.</param>
    /// <param name="DashDash">Index in <see cref="Operands"/> of the first operand after <c>--</c>; -1 when there is none.</param>
    public sealed record Result(List<Parsed> Options, List<Arg> Operands, int DashDash, string? Rejected)
    {
        /// <summary>Whether the option is on: present, and not negated by a later occurrence.</summary>
        public bool Has(string key)
        {
            for (var i = Options.Count - 1; i >= 0; i--)
                if (Options[i].Key == key) return !Options[i].Negated;
            return false;
        }

        /// <summary>Whether any of the options is on.</summary>
        public bool Any(params string[] keys) => keys.Any(Has);

        /// <summary>The value of the last occurrence of the option; null when absent, negated or given without a value.</summary>
        public string? Value(string key)
        {
            for (var i = Options.Count - 1; i >= 0; i--)
                if (Options[i].Key == key) return Options[i].Negated ? null : Options[i].Value;
            return null;
        }

        /// <summary>The value as an argument (unknown when the shell computes it at run time); null as for <see cref="Value"/>.</summary>
        public Arg? ValueArg(string key)
        {
            for (var i = Options.Count - 1; i >= 0; i--)
                if (Options[i].Key == key)
                    return Options[i].Negated || Options[i].Value is null ? null : new Arg(Options[i].Value!, Options[i].ValueKnown, false);
            return null;
        }

        /// <summary>The option as the command line spelled it (for messages).</summary>
        public string Written(string key) => Options.LastOrDefault(o => o.Key == key).Written ?? "--" + key;

        /// <summary>Operands after <c>--</c> (pathspecs), or empty.</summary>
        public List<Arg> AfterDashDash => DashDash < 0 ? [] : Operands.Skip(DashDash).ToList();
    }

    // Table syntax, one entry per option: "long|s" (a long name and its short letter), "|s" (short only), a suffix
    // "=" (takes a value) or "?" (optional value, attached only), "!" (cannot be negated). Entries are git's own, from
    // each command's documentation (git-<command>(1)) and builtin/<command>.c.
    private static readonly Dictionary<string, string> Tables = new(StringComparer.Ordinal)
    {
        ["reset"] = "quiet|q refresh mixed soft hard merge keep recurse-submodules? patch|p unified|U= inter-hunk-context= intent-to-add|N pathspec-from-file= pathspec-file-nul",
        ["checkout"] = "quiet|q progress |b= |B= |l detach track|t? guess orphan= ours|2 theirs|3 force|f merge|m overwrite-ignore conflict= patch|p unified|U= inter-hunk-context= ignore-skip-worktree-bits pathspec-from-file= pathspec-file-nul ignore-other-worktrees recurse-submodules? overlay auto-advance",
        ["switch"] = "quiet|q progress create|c= force-create|C= detach|d track|t? guess orphan= discard-changes force|f merge|m conflict= ignore-other-worktrees recurse-submodules? overwrite-ignore",
        ["restore"] = "source|s= staged|S worktree|W ours theirs merge|m conflict= patch|p unified|U= inter-hunk-context= quiet|q progress ignore-unmerged ignore-skip-worktree-bits recurse-submodules? overlay pathspec-from-file= pathspec-file-nul auto-advance",
        ["clean"] = "quiet|q dry-run|n force|f interactive|i |d exclude|e= |x |X",
        ["stash"] = "quiet|q",
        ["branch"] = "verbose|v quiet|q track|t? set-upstream set-upstream-to|u= unset-upstream color? remotes|r contains? no-contains? with? without? abbrev? all|a delete|d |D move|m |M copy|c |C list|l show-current create-reflog edit-description force|f merged? no-merged? column? sort= points-at= ignore-case|i omit-empty format= recurse-submodules",
        ["tag"] = "list|l |n? delete|d verify|v annotate|a sign|s local-user|u= force|f create-reflog message|m= file|F= trailer= edit|e cleanup= column? contains? no-contains? merged? no-merged? sort= points-at? format= color? ignore-case|i omit-empty",
        ["push"] = "verbose|v quiet|q repo= all branches mirror delete|d tags dry-run|n porcelain force|f force-with-lease? force-if-includes recurse-submodules= thin receive-pack= exec= set-upstream|u progress prune no-verify follow-tags signed? atomic push-option|o= ipv4|4 ipv6|6",
        ["rm"] = "dry-run|n quiet|q cached force|f |r ignore-unmatch sparse pathspec-from-file= pathspec-file-nul",
        ["gc"] = "quiet|q prune? aggressive keep-largest-pack auto force cruft max-cruft-size= expire-to= detach",
        ["reflog"] = "expire= expire-unreachable= rewrite updateref stale-fix dry-run|n verbose all single-worktree",
        ["update-ref"] = "|m= |d no-deref |z stdin create-reflog batch-updates",
        ["worktree"] = "force|f",
        ["checkout-index"] = "all|a force|f quiet|q index|u no-create|n stage= temp prefix= stdin |z ignore-skip-worktree-bits",
        ["read-tree"] = "index-output= empty verbose|v |m reset |u |i trivial aggressive prefix= exclude-per-directory= dry-run|n no-sparse-checkout debug-unpack recurse-submodules? quiet|q",
        ["apply"] = "exclude= include= |p= no-add stat numstat summary check index intent-to-add|N cached apply 3way|3 ours theirs union build-fake-ancestor= |z |C= whitespace= ignore-space-change ignore-whitespace reverse|R unidiff-zero reject allow-overlap verbose|v quiet|q inaccurate-eof recount directory= allow-empty",
        ["am"] = "interactive|i 3way|3 quiet|q signoff|s utf8|u keep|k keep-non-patch message-id|m keep-cr scissors|c quoted-cr= empty= whitespace= ignore-space-change ignore-whitespace directory= exclude= include= |C= |p= patch-format= reject resolvemsg= continue resolved|r skip abort quit show-current-patch? allow-empty committer-date-is-author-date ignore-date rerere-autoupdate gpg-sign|S? retry",
        ["config"] = "global system local worktree file|f= blob= get get-all get-regexp get-urlmatch get-color get-colorbool replace-all add unset unset-all rename-section remove-section list|l fixed-value edit|e type= bool int bool-or-int bool-or-str path expiry-date null|z name-only includes show-origin show-scope default= comment= all regexp value= url=",
        ["add"] = "dry-run|n verbose|v force|f interactive|i patch|p edit|e update|u all|A ignore-removal intent-to-add|N refresh ignore-errors ignore-missing sparse chmod= pathspec-from-file= pathspec-file-nul renormalize warn-embedded-repo",
        ["filter-branch"] = "",
    };

    private static readonly Dictionary<string, Spec> Specs = Tables.ToDictionary(kv => kv.Key, kv => Build(kv.Value), StringComparer.Ordinal);

    private static Spec Build(string table)
    {
        var spec = new Spec();
        foreach (var raw in table.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var entry = raw;
            var arity = Arity.None;
            var negatable = true;
            while (entry.Length > 0 && entry[^1] is '=' or '?' or '!')
            {
                if (entry[^1] == '=') arity = Arity.Required;
                else if (entry[^1] == '?') arity = Arity.Optional;
                else negatable = false;
                entry = entry[..^1];
            }
            var bar = entry.IndexOf('|');
            var longName = bar < 0 ? entry : entry[..bar];
            var shortName = bar < 0 ? (char?)null : entry[bar + 1];
            var key = longName.Length > 0 ? longName : shortName!.Value.ToString();
            if (longName.Length > 0) spec.Longs.Add(new LongOption(longName, key, arity, negatable));
            if (shortName is { } s) spec.Shorts[s] = (key, arity);
        }
        return spec;
    }

    /// <summary>Whether git's tables for <paramref name="subcommand"/> are known here.</summary>
    public static bool Knows(string subcommand) => Specs.ContainsKey(subcommand);

    /// <summary>Parses <paramref name="args"/> (what follows the subcommand) the way git does for <paramref name="subcommand"/>.
    /// A subcommand without a table is split without abbreviations, every option kept as written.</summary>
    public static Result Parse(string subcommand, IReadOnlyList<Arg> args)
    {
        var spec = Specs.GetValueOrDefault(subcommand) ?? new Spec();
        var options = new List<Parsed>();
        var operands = new List<Arg>();
        var dashDash = -1;
        string? rejected = null;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            var t = a.Text;
            if (dashDash >= 0 || !a.Known || t.Length < 2 || t[0] != '-')
            {
                operands.Add(a);
                continue;
            }
            if (t is "--" or "--end-of-options") { dashDash = operands.Count; continue; }
            if (t.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = t.IndexOf('=');
                var name = eq < 0 ? t[2..] : t[2..eq];
                var attached = eq < 0 ? null : t[(eq + 1)..];
                var (option, negated, error) = ResolveLong(spec, name);
                if (error is not null) { rejected ??= error; continue; }
                if (option is null) { options.Add(new Parsed(name, attached, false, t)); continue; }
                string? value = attached;
                var known = true;
                if (!negated && option.Arity == Arity.Required && value is null)
                {
                    if (i + 1 < args.Count) { value = args[++i].Text; known = args[i].Known; }
                    else rejected ??= $"`--{option.Name}` requires a value";
                }
                options.Add(new Parsed(option.Key, negated ? null : value, negated, t, known));
                continue;
            }
            // A bundle of short options; a letter that takes a value takes the rest of the word or the next argument.
            for (var k = 1; k < t.Length; k++)
            {
                var letter = t[k];
                if (!spec.Shorts.TryGetValue(letter, out var s)) { options.Add(new Parsed(letter.ToString(), null, false, "-" + letter)); continue; }
                if (s.Arity == Arity.None) { options.Add(new Parsed(s.Key, null, false, "-" + letter)); continue; }
                string? value = k + 1 < t.Length ? t[(k + 1)..] : null;
                var valueKnown = true;
                if (value is null && s.Arity == Arity.Required)
                {
                    if (i + 1 < args.Count) { value = args[++i].Text; valueKnown = args[i].Known; }
                    else rejected ??= $"`-{letter}` requires a value";
                }
                options.Add(new Parsed(s.Key, value, false, "-" + letter, valueKnown));
                break;
            }
        }
        return new Result(options, operands, dashDash, rejected);
    }

    /// <summary>parse_long_opt: an exact name (or its <c>no-</c> form) wins; otherwise a unique prefix; several
    /// prefixes of different options are ambiguous, which git reports as an error.</summary>
    private static (LongOption? Option, bool Negated, string? Error) ResolveLong(Spec spec, string name)
    {
        foreach (var o in spec.Longs)
        {
            if (o.Name == name) return (o, false, null);
            if (o.Negatable && name == "no-" + o.Name) return (o, true, null);
            if (o.Negatable && o.Name.StartsWith("no-", StringComparison.Ordinal) && name == o.Name[3..]) return (o, true, null);
        }
        if (name.Length == 0) return (null, false, null);
        var candidates = new List<(LongOption Option, bool Negated)>();
        foreach (var o in spec.Longs)
        {
            if (o.Name.StartsWith(name, StringComparison.Ordinal)) candidates.Add((o, false));
            else if (o.Negatable && name.StartsWith("no-", StringComparison.Ordinal) && name.Length > 3 && o.Name.StartsWith(name[3..], StringComparison.Ordinal)) candidates.Add((o, true));
            else if (o.Negatable && o.Name.StartsWith("no-", StringComparison.Ordinal) && o.Name[3..].StartsWith(name, StringComparison.Ordinal)) candidates.Add((o, true));
        }
        var distinct = candidates.DistinctBy(c => (c.Option.Key, c.Negated)).ToList();
        if (distinct.Count == 1) return (distinct[0].Option, distinct[0].Negated, null);
        if (distinct.Count > 1)
            return (null, false, $"`--{name}` is ambiguous (it could be {string.Join(" or ", distinct.Take(3).Select(c => "--" + (c.Negated ? "no-" : "") + c.Option.Name))}), so git refuses the command");
        return (null, false, null);
    }
}
