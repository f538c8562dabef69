using System.Text;
using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// make runs the recipes of the makefile it reads: the goals named on the command line (or the first target, or
/// <c>.DEFAULT_GOAL</c>), after their prerequisites. The makefile (GNUmakefile, makefile, Makefile, <c>-f</c> files,
/// includes; at most <see cref="TaskRunners.MaxFileBytes"/> each, 16 files) is read through the world view, its simple
/// variables (<c>=</c>, <c>:=</c>, <c>?=</c>, <c>+=</c>, command-line <c>VAR=value</c>, the environment, automatic
/// variables such as <c>$@</c>), conditionals and a few text functions are expanded, and each recipe line the goals run is
/// analysed as shell code in the makefile's directory. <c>$(shell cmd)</c> and <c>$(wildcard p)</c> become the shell's
/// <c>$(cmd)</c> and the glob <c>p</c>, which the shell analysis judges; anything else that cannot be expanded makes that
/// recipe line indeterminate. A goal with no rule runs nothing (make stops with an error), a missing makefile runs
/// nothing; a makefile that exists but cannot be read is indeterminate. A makefile given on stdin (<c>-f -</c>) or in
/// <c>--eval</c> is read from the command when its text is known; a makefile computed at run time and a replaced
/// <c>SHELL</c> are indeterminate.
/// </summary>
public sealed class Make : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["make", "gmake"];

    private const int MaxFiles = 16;

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (args.Any(a => a.Known && a.Text is "--help" or "-h" or "--version" or "-v")) return;
        var files = new List<(string? Path, string? Text, string Name)>(); // Path null: text from the command
        var evals = new List<string>();
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
        var goals = new List<string>();
        string? dir = TaskRunners.StartDirectory(inv);
        var dryRun = false;
        var includeDirs = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            var t = a.Text;
            string? Value() => i + 1 < args.Count ? args[++i].Text : null;
            bool ValueKnown() => i < args.Count && args[i].Known;
            if (t is "-f" or "--file" or "--makefile") { var f = Value(); if (f is not null) AddFile(f, ValueKnown()); continue; }
            if (t.StartsWith("--file=") || t.StartsWith("--makefile=")) { AddFile(t[(t.IndexOf('=') + 1)..], a.Known); continue; }
            if (t.StartsWith("-f") && t.Length > 2 && !t.StartsWith("--")) { AddFile(t[2..], a.Known); continue; }
            if (t.StartsWith("--eval=")) { if (!a.Known) { Unknown("`make --eval` runs recipes computed at run time"); return; } evals.Add(t["--eval=".Length..]); continue; }
            if (t == "--eval") { var e = Value(); if (e is null) continue; if (!ValueKnown()) { Unknown("`make --eval` runs recipes computed at run time"); return; } evals.Add(e); continue; }
            if (t is "-C" or "--directory" || (t.StartsWith("-C") && t.Length > 2) || t.StartsWith("--directory="))
            {
                var d = t is "-C" or "--directory" ? Value() : t.StartsWith("-C") ? t[2..] : t[(t.IndexOf('=') + 1)..];
                if (d is null) continue;
                dir = !args[i].Known || dir is null ? null : TaskRunners.Directory(dir, d);
                continue;
            }
            if (t is "-I" or "--include-dir") { if (Value() is { } d && dir is not null) includeDirs.Add(PathResolver.Combine(dir, d)!); continue; }
            if (t is "-o" or "-W" or "-l" or "-O" or "--old-file" or "--what-if" or "--new-file" or "--assume-old" or "--assume-new") { i++; continue; }
            if (t is "-n" or "--just-print" or "--dry-run" or "--recon" or "-q" or "--question" or "-t" or "--touch") { dryRun = true; continue; }
            if (t.StartsWith('-') && a.Known)
            {
                // A bundle such as -sn, -kj8.
                if (!t.StartsWith("--") && t.Length > 2 && t.IndexOfAny(['n', 'q', 't']) is var at and > 0 && t[1..at].All(c => "sikBeSrRwL".Contains(c))) dryRun = true;
                if (t is "-j" && i + 1 < args.Count && args[i + 1].Text.All(char.IsAsciiDigit)) i++;
                continue;
            }
            if (t.IndexOf('=') is var eq and > 0 && !t[..eq].Contains('/'))
            {
                var name = t[..eq].TrimEnd(':', '?', '+', '!');
                if (name is "SHELL" or ".SHELLFLAGS") { Unknown($"`make {t}` runs every recipe through a replaced shell"); return; }
                overrides[name] = a.Known ? t[(eq + 1)..] : null;
                continue;
            }
            if (!a.Known) { Unknown($"`make {t}` runs a goal computed at run time"); return; }
            goals.Add(t);
        }

        void AddFile(string f, bool known)
        {
            if (f is "-" or "/dev/stdin" or "/proc/self/fd/0" or "/dev/fd/0")
                files.Add((null, inv.Stdin is { } text && inv.StdinFromUnknown is null ? text : null, "the makefile on stdin"));
            else if (!known || f.StartsWith("/dev/fd/") || f.StartsWith("/proc/"))
                files.Add((null, null, $"the makefile {f} computed at run time"));
            else
                files.Add((f, null, f));
        }
        void Unknown(string why) => TaskRunners.Unknown(inv, why, effects);

        foreach (var f in files)
            if (f.Path is null && f.Text is null)
            {
                Unknown(f.Name == "the makefile on stdin" ? "`make -f -` runs recipes read from stdin, which cannot be known in advance" : $"`make` runs recipes from {f.Name}");
                return;
            }
        if (dir is null)
        {
            // The directory is unknown: only text from the command itself can be analysed (the project's makefile is
            // project code, as for script files).
            if (files.All(f => f.Path is null) && (files.Count > 0 || evals.Count > 0)) dir = KnowledgeContext.Cwd(inv) ?? inv.Context.Home;
            else return;
        }

        var mk = new Makefile(ctx, inv, dir, overrides, includeDirs);
        foreach (var e in evals) mk.Parse(e, "the --eval text", 0);
        if (files.Count == 0)
        {
            var found = TaskRunners.Find(ctx, dir, false, "GNUmakefile", "makefile", "Makefile");
            if (found is null) { if (evals.Count == 0) return; }
            else if (!mk.ReadFile(found, required: true, depth: 0)) Unknown($"`make` runs recipes from {TaskRunners.Display(inv, found)}, which cannot be read (too large or unreadable)");
        }
        foreach (var f in files)
        {
            if (f.Path is null) mk.Parse(f.Text!, f.Name, 0);
            else
            {
                var path = PathResolver.Combine(dir, f.Path)!;
                if (ctx.World.GetPathKind(path) != PathKind.File) continue; // make stops: no such file
                if (!mk.ReadFile(path, required: true, depth: 0)) Unknown($"`make -f {f.Path}` runs recipes from a makefile that cannot be read (too large or unreadable)");
            }
        }
        if (mk.Problem is { } problem) { Unknown(problem); return; }
        mk.Run(goals, dryRun, effects);
    }

    /// <summary>One make run's database: variables, explicit and pattern rules, read from the makefiles in order.</summary>
    private sealed class Makefile(KnowledgeContext ctx, Invocation inv, string dir, Dictionary<string, string?> overrides, List<string> includeDirs)
    {
        private sealed record Var(string? Value, bool Recursive, bool Override, bool Shell);
        private sealed class Rule
        {
            public List<string> Prereqs { get; } = [];
            public List<string> Recipe { get; set; } = [];
            public bool HasRecipe { get; set; }
            public bool PrereqsUnknown { get; set; }
            public string File { get; set; } = "";
            public Dictionary<string, Var> Vars { get; } = new(StringComparer.Ordinal);
        }

        private readonly Dictionary<string, Var> _vars = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Rule> _rules = new(StringComparer.Ordinal);
        private readonly List<(string Target, List<string> Prereqs, Rule Rule)> _patterns = [];
        private readonly HashSet<string> _phony = new(StringComparer.Ordinal);
        private string? _firstTarget;
        private int _files;
        private bool _oneShell;
        /// <summary>Rules may have been defined by text make computes ($(eval ...), an unreadable include).</summary>
        private string? _opaque;

        /// <summary>Why the whole run cannot be analysed (a replaced SHELL); null when it can.</summary>
        public string? Problem { get; private set; }

        public bool ReadFile(string path, bool required, int depth)
        {
            if (++_files > MaxFiles || depth > 8) { _opaque ??= $"includes more than {MaxFiles} makefiles"; return !required; }
            var text = TaskRunners.Read(ctx, path);
            if (text is null) return false;
            Parse(text, path, depth);
            return true;
        }

        public void Parse(string text, string file, int depth)
        {
            // Each entry: this branch is taken (true), not taken (false) or cannot be told (null); and whether an
            // earlier branch of the chain was taken.
            var conditions = new Stack<(bool? Taken, bool? Done)>();
            List<Rule> current = [];
            var lines = LogicalLines(text);
            for (var n = 0; n < lines.Count; n++)
            {
                var line = lines[n];
                bool Active() => conditions.All(c => c.Taken != false);
                bool Uncertain() => conditions.Any(c => c.Taken is null);
                if (line.StartsWith('\t'))
                {
                    if (!Active() || current.Count == 0) continue;
                    foreach (var r in current) { r.Recipe.Add(line[1..]); r.HasRecipe = true; }
                    continue;
                }
                var stripped = StripComment(line).Trim();
                if (stripped.Length == 0) continue;
                var word = stripped.Split([' ', '\t'], 2)[0];
                var rest = stripped.Length > word.Length ? stripped[word.Length..].Trim() : "";
                switch (word)
                {
                    case "ifeq" or "ifneq" or "ifdef" or "ifndef":
                    {
                        if (!Active()) { conditions.Push((false, true)); continue; }
                        var taken = Condition(word, rest);
                        conditions.Push((taken, taken));
                        continue;
                    }
                    case "else" when conditions.Count > 0:
                    {
                        var (_, done) = conditions.Pop();
                        var outerActive = conditions.All(c => c.Taken != false);
                        if (!outerActive || done == true) { conditions.Push((false, true)); continue; }
                        var inner = rest.Split([' ', '\t'], 2);
                        if (inner[0] is "ifeq" or "ifneq" or "ifdef" or "ifndef")
                        {
                            var taken = Condition(inner[0], inner.Length > 1 ? inner[1] : "");
                            conditions.Push((done is null || taken is null ? (taken == false ? false : null) : taken, done is null ? null : taken));
                        }
                        else conditions.Push((done is null ? null : true, true));
                        continue;
                    }
                    case "endif":
                        if (conditions.Count > 0) conditions.Pop();
                        continue;
                }
                if (!Active()) { if (word == "define") SkipDefine(lines, ref n); continue; }
                current = [];
                if (word is "include" or "-include" or "sinclude")
                {
                    var names = Expand(rest, null, 0);
                    if (names is null || names.Value.Shell) { _opaque ??= $"`{stripped}` includes makefiles named at run time"; continue; }
                    foreach (var name in Words(names.Value.Text))
                    {
                        var candidates = new[] { PathResolver.Combine(dir, name)! }.Concat(name.StartsWith('/') ? [] : includeDirs.Select(d => PathResolver.Combine(d, name)!));
                        var path = candidates.FirstOrDefault(p => ctx.World.GetPathKind(p) == PathKind.File);
                        if (path is null)
                        {
                            // A missing include that a rule can make is remade and read: its contents cannot be known.
                            if (_rules.ContainsKey(name)) _opaque ??= $"`{stripped}` includes {name}, which make generates";
                            continue;
                        }
                        if (!ReadFile(path, required: false, depth + 1)) _opaque ??= $"`{stripped}` includes {TaskRunners.Display(inv, path)}, which cannot be read";
                    }
                    continue;
                }
                if (word == "define")
                {
                    var name = rest.Split([' ', '\t', '='], 2)[0];
                    var body = SkipDefine(lines, ref n);
                    _vars[name] = new Var(Uncertain() ? null : body, true, false, false);
                    continue;
                }
                if (word is "vpath" or "unexport" or ".RECIPEPREFIX") continue;
                if (word is "export" or "override" or "private" && rest.Length > 0 && Assignment(rest) is not null)
                {
                    Assign(rest, word == "override", Uncertain(), null);
                    continue;
                }
                if (word is "export") continue;
                if (Assignment(stripped) is not null) { Assign(stripped, false, Uncertain(), null); continue; }
                var colon = RuleColon(stripped);
                if (colon < 0)
                {
                    // A line that is only an expansion ($(eval ...), $(foreach ...)) can define rules make alone knows.
                    if (stripped.Contains('$')) _opaque ??= $"`{Short(stripped)}` defines rules computed by make";
                    continue;
                }
                var targetText = Expand(stripped[..colon], null, 0);
                var doubleColon = colon + 1 < stripped.Length && stripped[colon + 1] == ':';
                var after = stripped[(colon + (doubleColon ? 2 : 1))..];
                string? inline = null;
                var semi = after.IndexOf(';');
                if (semi >= 0) { inline = after[(semi + 1)..].TrimStart(); after = after[..semi]; }
                if (targetText is null || targetText.Value.Shell) { _opaque ??= $"`{Short(stripped)}` defines rules for targets computed at run time"; continue; }
                var targets = Words(targetText.Value.Text).ToList();
                if (Assignment(after.Trim()) is not null)
                {
                    // Target-specific variable: `target: VAR = value`.
                    foreach (var t in targets) Assign(after.Trim(), false, Uncertain(), RuleFor(t, file).Vars);
                    continue;
                }
                var prereqText = Expand(after.Replace("|", " "), null, 0);
                foreach (var t in targets)
                {
                    if (t == ".PHONY") { if (prereqText is { Shell: false } p) foreach (var x in Words(p.Text)) _phony.Add(x); continue; }
                    if (t == ".ONESHELL") { _oneShell = true; continue; }
                    if (t.Contains('%'))
                    {
                        var rule = new Rule { File = file, PrereqsUnknown = Opaque(prereqText) };
                        if (!Opaque(prereqText)) rule.Prereqs.AddRange(Words(prereqText!.Value.Text));
                        _patterns.Add((t, rule.Prereqs, rule));
                        current.Add(rule);
                        continue;
                    }
                    if (_firstTarget is null && (!t.StartsWith('.') || t.Contains('/'))) _firstTarget = t;
                    var r = RuleFor(t, file);
                    // Prerequisites from $(wildcard ...) stay globs: the rules that make them are matched on the glob.
                    if (!Opaque(prereqText)) r.Prereqs.AddRange(Words(prereqText!.Value.Text));
                    else r.PrereqsUnknown = true;
                    if (!doubleColon) { r.Recipe = []; r.HasRecipe = false; }
                    current.Add(r);
                }
                if (inline is not null)
                    foreach (var r in current) { r.Recipe.Add(inline); r.HasRecipe = true; }
            }
        }

        private Rule RuleFor(string target, string file)
        {
            if (!_rules.TryGetValue(target, out var r)) _rules[target] = r = new Rule();
            r.File = file;
            return r;
        }

        private static string Short(string s) => s.Length > 60 ? s[..57] + "..." : s;

        private static string SkipDefine(List<string> lines, ref int n)
        {
            var body = new StringBuilder();
            while (++n < lines.Count && lines[n].Trim() != "endef") body.Append(body.Length > 0 ? "\n" : "").Append(lines[n]);
            return body.ToString();
        }

        private bool? Condition(string word, string rest)
        {
            if (word is "ifdef" or "ifndef")
            {
                var name = Expand(rest.Trim(), null, 0);
                if (name is null || name.Value.Shell) return null;
                var value = Lookup(name.Value.Text.Trim(), null, 0, out var unknown);
                if (unknown) return null;
                var defined = value is { Length: > 0 };
                return word == "ifdef" ? defined : !defined;
            }
            var (left, right) = ConditionOperands(rest);
            if (left is null || right is null) return null;
            var l = Expand(left, null, 0);
            var r = Expand(right, null, 0);
            if (l is null || r is null || l.Value.Shell || r.Value.Shell) return null;
            var equal = l.Value.Text.Trim() == r.Value.Text.Trim();
            return word == "ifeq" ? equal : !equal;
        }

        /// <summary><c>(a,b)</c>, <c>"a" "b"</c> or <c>'a' 'b'</c>.</summary>
        private static (string? Left, string? Right) ConditionOperands(string rest)
        {
            rest = rest.Trim();
            if (rest.StartsWith('(') && rest.EndsWith(')'))
            {
                var body = rest[1..^1];
                var depth = 0;
                for (var k = 0; k < body.Length; k++)
                {
                    if (body[k] is '(' or '{') depth++;
                    else if (body[k] is ')' or '}') depth--;
                    else if (body[k] == ',' && depth == 0) return (body[..k], body[(k + 1)..]);
                }
                return (null, null);
            }
            if (rest.Length >= 4 && rest[0] is '"' or '\'')
            {
                var close = rest.IndexOf(rest[0], 1);
                if (close < 0) return (null, null);
                var second = rest[(close + 1)..].Trim();
                if (second.Length >= 2 && second[0] is '"' or '\'' && second[^1] == second[0]) return (rest[1..close], second[1..^1]);
            }
            return (null, null);
        }

        /// <summary>The assignment operator's position and text in a line, or null when the line is not an assignment.</summary>
        private static (int At, string Op)? Assignment(string line)
        {
            var depth = 0;
            for (var k = 0; k < line.Length; k++)
            {
                var c = line[k];
                if (c is '(' or '{') depth++;
                else if (c is ')' or '}') depth--;
                if (depth > 0) continue;
                if (c == '=')
                {
                    if (k > 0 && line[k - 1] is '?' or '+' or '!') return (k - 1, line[k - 1] + "=");
                    return (k, "=");
                }
                if (c == ':')
                {
                    if (line.AsSpan(k).StartsWith("::=")) return (k, "::=");
                    if (line.AsSpan(k).StartsWith(":::=")) return (k, ":::=");
                    if (k + 1 < line.Length && line[k + 1] == '=') return (k, ":=");
                    return null; // a rule
                }
                if (c == ';' ) return null;
            }
            return null;
        }

        private static int RuleColon(string line)
        {
            var depth = 0;
            for (var k = 0; k < line.Length; k++)
            {
                var c = line[k];
                if (c is '(' or '{') depth++;
                else if (c is ')' or '}') depth--;
                else if (c == ':' && depth == 0) return k;
            }
            return -1;
        }

        private void Assign(string line, bool isOverride, bool uncertain, Dictionary<string, Var>? scope)
        {
            var (at, op) = Assignment(line)!.Value;
            var name = line[..at].Trim();
            var raw = line[(at + op.Length)..].Trim();
            var vars = scope ?? _vars;
            if (name.Contains('$'))
            {
                var n = Expand(name, null, 0);
                if (n is null || n.Value.Shell) return;
                name = n.Value.Text.Trim();
            }
            if (name is "SHELL" && scope is null)
            {
                var shell = Expand(raw, null, 0);
                if (shell is null || shell.Value.Shell || !(shell.Value.Text.Trim() is "/bin/sh" or "/bin/bash" or "/usr/bin/bash" or "/usr/bin/env bash" or "bash" or "sh" or "/bin/dash" or "/usr/bin/sh"))
                    Problem ??= $"the makefile sets SHELL = {raw}, so every recipe runs through a shell Interlock does not analyse";
                return;
            }
            if (name == ".SHELLFLAGS" && scope is null && raw is not ("-c" or "-ec" or "-euc" or "-eu -c" or "-e -c" or "-o pipefail -c" or "-eu -o pipefail -c" or "-euo pipefail -c"))
            {
                Problem ??= $"the makefile sets .SHELLFLAGS = {raw}";
                return;
            }
            if (vars.TryGetValue(name, out var old) && old.Override && !isOverride) return;
            Var value;
            switch (op)
            {
                case "?=":
                    if (vars.ContainsKey(name) || (scope is null && EnvironmentValue(name, out _) is not null)) return;
                    value = new Var(raw, true, isOverride, false);
                    break;
                case "+=":
                    if (old is null) { value = new Var(raw, true, isOverride, false); break; }
                    if (old.Recursive) value = old with { Value = old.Value is null ? null : old.Value + " " + raw };
                    else { var e = Expand(raw, null, 0); value = old with { Value = old.Value is null || e is null ? null : old.Value + " " + e.Value.Text, Shell = old.Shell || e is { Shell: true } }; }
                    break;
                case "!=":
                {
                    var cmd = Expand(raw, null, 0);
                    if (cmd is { Shell: false } c) ShellAtParse(c.Text);
                    value = new Var(cmd is { Shell: false } c2 ? "$(" + c2.Text + ")" : null, false, isOverride, true);
                    break;
                }
                case ":=" or "::=" or ":::=":
                {
                    var e = Expand(raw, null, 0);
                    value = new Var(e?.Text, false, isOverride, e is { Shell: true });
                    break;
                }
                default:
                    value = new Var(raw, true, isOverride, false);
                    break;
            }
            if (uncertain && !(old is not null && old.Value == value.Value)) value = value with { Value = null };
            vars[name] = value;
        }

        /// <summary>A command make runs while reading the makefile (<c>VAR != cmd</c>, <c>VAR := $(shell cmd)</c>): it runs
        /// on every invocation, whatever the goal.</summary>
        private void ShellAtParse(string command)
        {
            if (_shellsAtParse.Add(command)) _parseCommands.Add(command);
        }

        private readonly HashSet<string> _shellsAtParse = new(StringComparer.Ordinal);
        private readonly List<string> _parseCommands = [];
        private bool _expandingForRecipe;

        private string? EnvironmentValue(string name, out bool unknown)
        {
            unknown = false;
            if (inv.Environment.TryGetValue(name, out var v)) { unknown = v is null; return v; }
            return ctx.World.GetEnvironmentVariable(name);
        }

        private string? Lookup(string name, Dictionary<string, string>? automatic, int depth, out bool unknown) => LookupVar(name, automatic, depth, out unknown, out _);

        private string? LookupVar(string name, Dictionary<string, string>? automatic, int depth, out bool unknown, out bool shell)
        {
            unknown = false;
            shell = false;
            if (automatic is not null && automatic.TryGetValue(name, out var auto)) return auto;
            if (overrides.TryGetValue(name, out var o) && !(_vars.TryGetValue(name, out var ov) && ov.Override))
            {
                unknown = o is null;
                return o;
            }
            Var? v = null;
            if (_targetVars is not null) _targetVars.TryGetValue(name, out v);
            if (v is null) _vars.TryGetValue(name, out v);
            if (v is not null)
            {
                if (v.Value is null) { unknown = true; return null; }
                if (!v.Recursive) { shell = v.Shell; return v.Value; }
                var e = Expand(v.Value, automatic, depth + 1);
                if (e is null) { unknown = true; return null; }
                shell = e.Value.Shell;
                return e.Value.Text;
            }
            switch (name)
            {
                case "MAKE": return "make";
                case "CURDIR": return dir;
                case "SHELL": return "/bin/sh";
                case "MAKEFLAGS" or "MFLAGS" or "MAKECMDGOALS" or "MAKEOVERRIDES" or ".VARIABLES": return "";
                case "RM": return "rm -f";
                case "CC": return "cc";
                case "CXX": return "g++";
                case "MAKE_VERSION": return "4.3";
            }
            var env = EnvironmentValue(name, out unknown);
            return env ?? "";
        }

        private Dictionary<string, Var>? _targetVars;

        /// <summary>The text with make's references expanded; Shell when part of it is shell code standing for a value make
        /// would compute by running a command or a glob (only usable inside a recipe); null when it cannot be expanded.</summary>
        private (string Text, bool Shell)? Expand(string text, Dictionary<string, string>? automatic, int depth)
        {
            if (depth > 16) return null;
            var sb = new StringBuilder();
            var shell = false;
            for (var k = 0; k < text.Length; k++)
            {
                var c = text[k];
                if (c != '$' || k + 1 >= text.Length) { sb.Append(c); continue; }
                var n = text[k + 1];
                if (n == '$') { sb.Append('$'); k++; continue; }
                if (n is '(' or '{')
                {
                    var close = Matching(text, k + 1);
                    if (close < 0) return null;
                    var inner = text[(k + 2)..close];
                    k = close;
                    var r = Reference(inner, automatic, depth);
                    if (r is null) return null;
                    sb.Append(r.Value.Text);
                    shell |= r.Value.Shell;
                    continue;
                }
                k++;
                var single = Reference(n.ToString(), automatic, depth);
                if (single is null) return null;
                sb.Append(single.Value.Text);
                shell |= single.Value.Shell;
            }
            return (sb.ToString(), shell);
        }

        private static int Matching(string text, int open)
        {
            var want = text[open] == '(' ? ')' : '}';
            var depth = 0;
            for (var k = open; k < text.Length; k++)
            {
                if (text[k] == text[open]) depth++;
                else if (text[k] == want && --depth == 0) return k;
            }
            return -1;
        }

        private (string Text, bool Shell)? Reference(string inner, Dictionary<string, string>? automatic, int depth)
        {
            // $(@D), $(@F), $(<D)...
            if (inner.Length == 2 && inner[1] is 'D' or 'F' && "@<^*?+|".Contains(inner[0]))
            {
                if (automatic is null || !automatic.TryGetValue(inner[0].ToString(), out var v)) return null;
                return (string.Join(' ', Words(v).Select(w => inner[1] == 'D' ? (w.Contains('/') ? w[..w.LastIndexOf('/')] : ".") : w[(w.LastIndexOf('/') + 1)..])), false);
            }
            var space = inner.IndexOfAny([' ', '\t']);
            if (space > 0 && Function(inner[..space], inner[(space + 1)..], automatic, depth) is var (handled, result) && handled) return result;
            var nameExpanded = inner.Contains('$') ? Expand(inner, automatic, depth + 1) : (inner, false);
            if (nameExpanded is null || nameExpanded.Value.Shell) return null;
            var name = nameExpanded.Value.Text;
            // Substitution reference $(VAR:.o=.c).
            var colon = name.IndexOf(':');
            string? from = null, to = null;
            if (colon > 0 && name.IndexOf('=', colon) is var eq and > 0)
            {
                from = name[(colon + 1)..eq];
                to = name[(eq + 1)..];
                name = name[..colon];
            }
            if (automatic is null && name.Length == 1 && "@<^*?+|".Contains(name[0])) return null;
            var value = LookupVar(name, automatic, depth, out var unknown, out var shell);
            if (unknown || value is null) return null;
            if (from is not null)
            {
                if (shell && value.Contains("$(")) return null; // a command's output; a glob from $(wildcard) maps word by word
                var pattern = from.Contains('%') ? from : "%" + from;
                var replacement = from.Contains('%') ? to! : "%" + to;
                value = string.Join(' ', Words(value).Select(w => PatSubst(pattern, replacement, w)));
            }
            return (value, shell);
        }

        private (bool Handled, (string Text, bool Shell)? Result) Function(string name, string argText, Dictionary<string, string>? automatic, int depth)
        {
            string[] Split(int max)
            {
                var parts = new List<string>();
                var d = 0;
                var start = 0;
                for (var k = 0; k < argText.Length; k++)
                {
                    if (argText[k] is '(' or '{') d++;
                    else if (argText[k] is ')' or '}') d--;
                    else if (argText[k] == ',' && d == 0 && parts.Count < max - 1) { parts.Add(argText[start..k]); start = k + 1; }
                }
                parts.Add(argText[start..]);
                return [.. parts];
            }
            (string Text, bool Shell)? Arg(string s) => Expand(s, automatic, depth + 1);
            switch (name)
            {
                case "shell":
                {
                    var cmd = Arg(argText);
                    if (cmd is null || cmd.Value.Shell) return (true, null);
                    if (!_expandingForRecipe) ShellAtParse(cmd.Value.Text);
                    return (true, ("$(" + cmd.Value.Text + ")", true));
                }
                case "wildcard":
                {
                    var p = Arg(argText);
                    return (true, p is null || p.Value.Shell ? null : (p.Value.Text.Trim(), true));
                }
                case "subst" or "patsubst":
                {
                    var a = Split(3);
                    if (a.Length < 3) return (true, null);
                    var (f, t, s) = (Arg(a[0]), Arg(a[1]), Arg(a[2]));
                    if (f is null || t is null || s is null || f.Value.Shell || t.Value.Shell || Opaque(s)) return (true, null);
                    return (true, name == "subst"
                        ? (f.Value.Text.Length == 0 ? s.Value.Text : s.Value.Text.Replace(f.Value.Text, t.Value.Text), s.Value.Shell)
                        : (string.Join(' ', Words(s.Value.Text).Select(w => PatSubst(f.Value.Text.Trim(), t.Value.Text.Trim(), w))), s.Value.Shell));
                }
                case "addprefix" or "addsuffix":
                {
                    var a = Split(2);
                    if (a.Length < 2) return (true, null);
                    var (x, s) = (Arg(a[0]), Arg(a[1]));
                    if (x is null || s is null || x.Value.Shell || Opaque(s)) return (true, null);
                    return (true, (string.Join(' ', Words(s.Value.Text).Select(w => name == "addprefix" ? x.Value.Text + w : w + x.Value.Text)), s.Value.Shell));
                }
                case "strip" or "notdir" or "dir" or "firstword" or "lastword" or "sort" or "basename" or "suffix" or "abspath" or "realpath":
                {
                    var s = Arg(argText);
                    if (s is null || Opaque(s) || (s.Value.Shell && name is "firstword" or "lastword" or "sort")) return (true, null);
                    var w = Words(s.Value.Text).ToList();
                    IEnumerable<string> r = name switch
                    {
                        "strip" => w,
                        "notdir" => w.Select(x => x[(x.LastIndexOf('/') + 1)..]),
                        "dir" => w.Select(x => x.Contains('/') ? x[..(x.LastIndexOf('/') + 1)] : "./"),
                        "firstword" => w.Take(1),
                        "lastword" => w.TakeLast(1),
                        "sort" => w.Distinct().Order(StringComparer.Ordinal),
                        "basename" => w.Select(x => x.LastIndexOf('.') is var d && d > x.LastIndexOf('/') ? x[..d] : x),
                        "suffix" => w.Where(x => x.LastIndexOf('.') > x.LastIndexOf('/')).Select(x => x[x.LastIndexOf('.')..]),
                        _ => w.Select(x => PathResolver.Combine(dir, x)!),
                    };
                    return (true, (string.Join(' ', r), s.Value.Shell));
                }
                case "info" or "warning":
                    return (true, ("", false));
                case "error":
                    return (true, null);
                case "eval" or "call" or "foreach" or "if" or "or" or "and" or "origin" or "flavor" or "value" or "filter" or "filter-out"
                    or "findstring" or "word" or "words" or "wordlist" or "join" or "file" or "guile" or "let" or "intcmp":
                    return (true, null);
            }
            return (false, null);
        }

        /// <summary>Text holding a command's output ($(shell ...)), which no text function can work on; a glob from
        /// $(wildcard ...) can be mapped word by word.</summary>
        private static bool Opaque((string Text, bool Shell)? v) => v is null || (v.Value.Shell && v.Value.Text.Contains("$("));

        private static string PatSubst(string pattern, string replacement, string word)
        {
            var pct = pattern.IndexOf('%');
            if (pct < 0) return word == pattern ? replacement : word;
            var (pre, post) = (pattern[..pct], pattern[(pct + 1)..]);
            if (word.Length < pre.Length + post.Length || !word.StartsWith(pre, StringComparison.Ordinal) || !word.EndsWith(post, StringComparison.Ordinal)) return word;
            var stem = word[pre.Length..(word.Length - post.Length)];
            var r = replacement.IndexOf('%');
            return r < 0 ? replacement : replacement[..r] + stem + replacement[(r + 1)..];
        }

        private static IEnumerable<string> Words(string s) => s.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);

        private int _lines;
        private readonly HashSet<string> _ran = new(StringComparer.Ordinal);

        public void Run(List<string> goals, bool dryRun, List<Effect> effects)
        {
            foreach (var c in _parseCommands)
                TaskRunners.Line(ctx, inv, Display(goals), "a command while reading the makefile", _firstFile ?? "the makefile", c, dir, effects);
            if (goals.Count == 0)
            {
                var dg = LookupVar(".DEFAULT_GOAL", null, 0, out var unknown, out var sh);
                if (unknown || sh) { TaskRunners.Unknown(inv, "`make` runs a default goal computed at run time", effects); return; }
                var goal = dg is { Length: > 0 } ? dg.Trim() : _firstTarget;
                if (goal is null) return; // no targets: make stops
                goals = [goal];
            }
            foreach (var g in goals) Target(g, null, goals, dryRun, effects, 0);
        }

        private string? _firstFile => _rules.Values.Select(r => r.File).FirstOrDefault(f => f.StartsWith('/'));

        private string Display(List<string> goals) => string.Join(' ', new[] { inv.Name ?? "make" }.Concat(inv.Args.Select(a => a.Text)));

        private void Target(string target, Dictionary<string, Var>? inherited, List<string> goals, bool dryRun, List<Effect> effects, int depth)
        {
            if (depth > 64 || !_ran.Add(target)) return;
            var how = Display(goals);
            _rules.TryGetValue(target, out var rule);
            string? stem = null;
            if (rule is null || !rule.HasRecipe)
            {
                // An implicit (pattern) rule whose prerequisites exist or can be made.
                foreach (var (pattern, prereqs, prule) in _patterns)
                {
                    var s = Stem(pattern, target);
                    if (s is null || !prule.HasRecipe || pattern == "%") continue;
                    var ps = prereqs.Select(p => p.Replace("%", s)).ToList();
                    if (PathResolver.HasGlob(target) || ps.All(p => _rules.ContainsKey(p) || ctx.World.GetPathKind(PathResolver.Combine(dir, p)!) != PathKind.Missing))
                    {
                        var merged = new Rule { File = prule.File, HasRecipe = true, Recipe = prule.Recipe };
                        merged.Prereqs.AddRange(ps);
                        if (rule is not null) { merged.Prereqs.AddRange(rule.Prereqs); foreach (var (k, v) in rule.Vars) merged.Vars[k] = v; }
                        rule = merged;
                        stem = s;
                        break;
                    }
                }
            }
            if (rule is null)
            {
                if (ctx.World.GetPathKind(PathResolver.Combine(dir, target)!) != PathKind.Missing) return; // an existing file: nothing to do
                if (_rules.TryGetValue(".DEFAULT", out var fallback) && fallback.HasRecipe) rule = fallback;
                else
                {
                    if (_opaque is not null && depth == 0)
                        TaskRunners.Unknown(inv, $"`{how}` asks for `{target}`, which no rule Interlock could read defines, and the makefile {_opaque}", effects);
                    return; // make stops: no rule to make the target
                }
            }
            var vars = new Dictionary<string, Var>(inherited ?? new(), StringComparer.Ordinal);
            foreach (var (k, v) in rule.Vars) vars[k] = v;
            if (rule.PrereqsUnknown)
                TaskRunners.Unknown(inv, $"`{how}` first makes prerequisites of `{target}` that are computed at run time", effects);
            foreach (var p in rule.Prereqs) Target(p, vars, goals, dryRun, effects, depth + 1);
            if (!rule.HasRecipe) return;
            var automatic = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["@"] = target,
                ["<"] = rule.Prereqs.FirstOrDefault() ?? "",
                ["^"] = string.Join(' ', rule.Prereqs.Distinct()),
                ["+"] = string.Join(' ', rule.Prereqs),
                ["?"] = string.Join(' ', rule.Prereqs.Distinct()),
                ["|"] = "",
                ["*"] = stem ?? (target.LastIndexOf('.') is var dot && dot > target.LastIndexOf('/') ? target[..dot] : target),
            };
            var what = $"the recipe of `{target}`";
            var lines = _oneShell ? [string.Join('\n', rule.Recipe)] : rule.Recipe;
            foreach (var raw in lines)
            {
                if (++_lines > TaskRunners.MaxLines)
                {
                    TaskRunners.Unknown(inv, $"`{how}` runs more than {TaskRunners.MaxLines} recipe lines; the rest were not analysed", effects);
                    return;
                }
                var prefix = 0;
                while (prefix < raw.Length && raw[prefix] is '@' or '-' or '+' or ' ' or '\t') prefix++;
                var force = raw[..prefix].Contains('+') || raw.Contains("$(MAKE)") || raw.Contains("${MAKE}");
                if (dryRun && !force) continue;
                _targetVars = vars;
                _expandingForRecipe = true;
                var expanded = Expand(raw[prefix..], automatic, 0);
                _expandingForRecipe = false;
                _targetVars = null;
                if (expanded is null || (expanded.Value.Shell && expanded.Value.Text.Contains('\'')))
                {
                    TaskRunners.Unknown(inv, $"`{how}` runs {what} in {TaskRunners.Display(inv, rule.File)}, a line whose make variables cannot be worked out: {raw.Trim()}", effects);
                    continue;
                }
                TaskRunners.Line(ctx, inv, how, what, rule.File, expanded.Value.Text, dir, effects);
            }
        }

        private static string? Stem(string pattern, string target)
        {
            var pct = pattern.IndexOf('%');
            var (pre, post) = (pattern[..pct], pattern[(pct + 1)..]);
            if (target.Length < pre.Length + post.Length + 1 || !target.StartsWith(pre, StringComparison.Ordinal) || !target.EndsWith(post, StringComparison.Ordinal)) return null;
            return target[pre.Length..(target.Length - post.Length)];
        }

        /// <summary>Lines with backslash-newline joined: in recipes the backslash and newline stay for the shell (which
        /// joins them itself) and the next line's leading tab goes; elsewhere they become one space.</summary>
        private static List<string> LogicalLines(string text)
        {
            var raw = text.Replace("\r\n", "\n").Split('\n');
            var lines = new List<string>();
            for (var k = 0; k < raw.Length; k++)
            {
                var line = raw[k];
                var recipe = line.StartsWith('\t');
                while (line.EndsWith('\\') && !line.EndsWith("\\\\") && k + 1 < raw.Length)
                {
                    var next = raw[++k];
                    line = recipe ? line + "\n" + (next.StartsWith('\t') ? next[1..] : next) : line[..^1].TrimEnd() + " " + next.TrimStart();
                }
                lines.Add(line);
            }
            return lines;
        }

        private static string StripComment(string line)
        {
            for (var k = 0; k < line.Length; k++)
                if (line[k] == '#' && (k == 0 || line[k - 1] != '\\')) return line[..k];
            return line;
        }
    }
}
