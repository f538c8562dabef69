using System.Globalization;
using System.Text;
using Interlock.Core;
using Interlock.Core.Policy;
using Interlock.Policy;

namespace Interlock.Cli;

/// <summary>`interlock policy validate|show|test` and `interlock init`: reading, checking and starting policy files.</summary>
internal static class PolicyCommands
{
    private const int ExitUsage = 64;

    public const string Help = """
        interlock policy <validate|show|test> [--cwd <dir>] [files...]

          validate [files...]  Check policy files: every error and warning with file:line:column and how to fix it.
                               Without files: the layers that apply in --cwd (system, user, project).
                               Exit status: 0 valid, 1 errors found.
          show [--rules]       The effective merged policy: the files loaded, every setting and where it came from,
                               every rule, override and command rule. --rules also lists the built-in rule ids.
          test [files...]      Run the `tests:` written in the policy files against the effective policy.
                               Exit status: 0 all passed, 1 a test failed or the policy is invalid.

        Layers (later ones win; a project file can only tighten):
          built-in defaults
          system   $INTERLOCK_SYSTEM_CONFIG_DIR/policy.yaml, else /etc/interlock/policy.yaml
          user     $INTERLOCK_CONFIG_DIR/policy.yaml, else $XDG_CONFIG_HOME/interlock/policy.yaml, else ~/.config/interlock/policy.yaml
          project  <repository root>/.interlock/policy.yaml
        Reference: docs/policy.md.
        """;

    public const string InitHelp = """
        interlock init [--user | --system] [--cwd <dir>] [--force]

        Writes a commented starter policy: by default the project's .interlock/policy.yaml (at the repository root of
        --cwd), with --user the user policy, with --system the system policy. Refuses to overwrite an existing file
        unless --force. Then edit it and run `interlock policy validate` and `interlock policy test`.
        """;

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            (args.Length == 0 ? Console.Error : Console.Out).WriteLine(Help);
            return args.Length == 0 ? ExitUsage : 0;
        }
        var sub = args[0];
        string? cwd = null;
        var showRules = false;
        var files = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help": Console.Out.WriteLine(Help); return 0;
                case "--cwd":
                    if (i + 1 >= args.Length) return Usage("`--cwd` needs a directory.");
                    cwd = args[++i];
                    break;
                case "--rules" when sub == "show": showRules = true; break;
                default:
                    if (args[i].StartsWith('-')) return Usage($"unknown option `{args[i]}` for `policy {sub}` (see `interlock policy --help`).");
                    files.Add(args[i]);
                    break;
            }
        }
        cwd = Path.GetFullPath(cwd ?? Environment.CurrentDirectory);
        var loaded = files.Count > 0
            ? PolicyLoader.Load(files.Select(f => (GuessLayer(Path.GetFullPath(f)), Path.GetFullPath(f))))
            : PolicyLoader.Load(cwd);
        if (files.Count > 0)
            foreach (var f in files.Where(f => !File.Exists(f)))
                return Usage($"no such policy file: {f}");
        return sub switch
        {
            "validate" => Validate(loaded, files.Count > 0 ? null : cwd),
            "show" => Show(loaded, showRules),
            "test" => Test(loaded, cwd),
            _ => Usage($"unknown policy command `{sub}`; expected validate, show or test (see `interlock policy --help`)."),
        };
    }

    /// <summary>A file named on the command line is read as the layer its place says (project if inside .interlock/).</summary>
    private static PolicyLayer GuessLayer(string path) =>
        path.Contains("/.interlock/", StringComparison.Ordinal) ? PolicyLayer.Project
        : path.StartsWith(PolicyLoader.SystemDirectory().TrimEnd('/') + "/", StringComparison.Ordinal) ? PolicyLayer.System
        : PolicyLayer.User;

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"interlock: {message}");
        return ExitUsage;
    }

    private static int Validate(LoadedPolicy loaded, string? cwd)
    {
        if (loaded.Files.Count == 0)
        {
            Console.Out.WriteLine("no policy files found; the built-in defaults apply. Looked for:");
            foreach (var (layer, path) in PolicyLoader.Locate(cwd ?? Environment.CurrentDirectory))
                Console.Out.WriteLine($"  {layer.ToString().ToLowerInvariant(),-8} {path}");
            Console.Out.WriteLine("`interlock init` writes a starter policy.");
            return 0;
        }
        foreach (var d in loaded.Diagnostics.OrderBy(d => d.Location.File, StringComparer.Ordinal).ThenBy(d => d.Location.Line).ThenBy(d => d.Location.Column))
            Console.Out.WriteLine(d.ToString());
        var errors = loaded.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        var warnings = loaded.Diagnostics.Count - errors;
        foreach (var f in loaded.Files)
            Console.Out.WriteLine($"{(f.HasErrors ? "invalid" : "valid  ")} {f.Layer.ToString().ToLowerInvariant(),-8} {f.Path} ({Plural.Of(f.Rules.Count(r => r.Overrides is null), "rule")}, {Plural.Of(f.Rules.Count(r => r.Overrides is not null), "override")}, {Plural.Of(f.Commands.Count, "command rule")}, {Plural.Of(f.Tests.Count, "test")})");
        Console.Out.WriteLine(errors == 0
            ? $"the policy is valid{(warnings > 0 ? $" ({Plural.Of(warnings, "warning")})" : "")}"
            : $"{Plural.Of(errors, "error")}, {Plural.Of(warnings, "warning")}: while a policy file is invalid, the hook stops every action. Fix the errors above and run `interlock policy validate` again.");
        return errors == 0 ? 0 : 1;
    }

    private static int Test(LoadedPolicy loaded, string cwd)
    {
        if (loaded.FirstError is { } error)
        {
            Console.Out.WriteLine($"{error}\nthe policy is invalid, so its tests cannot run; `interlock policy validate` lists every problem.");
            return 1;
        }
        var engine = new Engine(loaded.Compiled);
        var results = PolicyTestRunner.Run(engine, loaded.Compiled.Source.Tests, new FileSystemWorld(), cwd);
        foreach (var r in results) Console.Out.WriteLine(r.Describe());
        var failed = results.Count(r => !r.Passed);
        Console.Out.WriteLine($"{results.Count - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static int Show(LoadedPolicy loaded, bool showRules)
    {
        Console.Out.Write(Format(loaded, showRules));
        return loaded.FirstError is null ? 0 : 1;
    }

    internal static string Format(LoadedPolicy loaded, bool showRules)
    {
        var sb = new StringBuilder();
        var set = loaded.Compiled.Source;
        var s = set.Settings;
        sb.AppendLine("files (later layers win; a project file only tightens):");
        sb.AppendLine("  built-in defaults");
        foreach (var f in loaded.Files) sb.AppendLine($"  {f.Layer.ToString().ToLowerInvariant(),-8} {f.Path}{(f.Mode == RuleMode.Shadow ? " (mode: shadow)" : "")}{(f.HasErrors ? " (INVALID)" : "")}");
        if (loaded.FirstError is { } e) sb.AppendLine($"INVALID: {e}  (the hook stops every action until this is fixed)");
        sb.AppendLine();
        sb.AppendLine("settings:");
        string O(string name) => set.Origins.GetValueOrDefault(name, "built-in");
        void L(string name, IReadOnlyList<string> v) => sb.AppendLine($"  {name}: [{string.Join(", ", v)}]  # {O(name)}");
        void V(string name, object v) => sb.AppendLine($"  {name}: {v}  # {O(name)}");
        L("regenerable_names", s.RegenerableNames);
        L("production_names", s.ProductionNames);
        L("staging_names", s.StagingNames);
        L("development_names", s.DevelopmentNames);
        L("protected_branches", s.ProtectedBranches);
        L("protected_paths", s.ProtectedPaths);
        V("edit_thresholds.min_lines", s.EditThresholds.MinLines);
        V("edit_thresholds.removed_fraction", s.EditThresholds.RemovedFraction.ToString(CultureInfo.InvariantCulture));
        V("edit_thresholds.kept_fraction", s.EditThresholds.KeptFraction.ToString(CultureInfo.InvariantCulture));
        V("edit_thresholds.max_bytes", s.EditThresholds.MaxBytes);
        V("budgets.window", Duration(s.Budgets.Window));
        V("budgets.files_deleted", s.Budgets.FilesDeleted);
        V("budgets.lines_removed", s.Budgets.LinesRemoved);
        V("budgets.destructive_commands", s.Budgets.DestructiveCommands);
        V("fail_closed", s.FailClosed.ToString().ToLowerInvariant());
        foreach (var group in s.DeclaredEnvironments.GroupBy(d => (d.Environment, d.Kind)))
            sb.AppendLine($"  environments.{group.Key.Environment.ToString().ToLowerInvariant()}.{Interlock.Core.Environments.DeclaredEnvironments.Key(group.Key.Kind)}: [{string.Join(", ", group.Select(d => d.Pattern))}]  # {O("environments")}");
        V("unknown_environment", s.UnknownIsProduction ? "production" : "unknown");
        V("approvals.harness_prompt", PolicyParser.HarnessPromptName(s.HarnessPrompt));
        sb.AppendLine();
        sb.AppendLine($"rules ({set.Rules.Count(r => r.Overrides is null)}):");
        foreach (var r in set.Rules.Where(r => r.Overrides is null))
            sb.AppendLine($"  {r.Id}: {Verdict(r.Verdict, r.Approval)}{(r.Mode == RuleMode.Shadow ? " (shadow)" : "")} when {Conditions(r.Match)}  # {r.Location}");
        sb.AppendLine($"overrides of built-in rules ({set.Rules.Count(r => r.Overrides is not null)}):");
        foreach (var r in set.Rules.Where(r => r.Overrides is not null))
            sb.AppendLine($"  {r.Overrides}: {(r.KeepsVerdict ? "same verdict" : Verdict(r.Verdict, null))}{(r.Approval is { } a ? ", " + Approval(a) : "")}{(r.Mode == RuleMode.Shadow ? " (shadow)" : "")}{(r.Layer == PolicyLayer.Project ? " (project: tightens only)" : "")}{(r.Match.Specificity > 0 ? " when " + Conditions(r.Match) : "")}  # {r.Location}");
        sb.AppendLine($"command rules ({set.Commands.Count}):");
        foreach (var c in set.Commands)
            sb.AppendLine($"  {c.Id}: `{c.Executable}{(c.Subcommand.Count > 0 ? " " + string.Join(' ', c.Subcommand) : "")}` -> {PolicyParser.EffectName(c.Effect)}{(c.Verdict is { } v ? ", " + Verdict(v, c.Approval) : "")}{(c.Mode == RuleMode.Shadow ? " (shadow)" : "")}  # {c.Location}");
        sb.AppendLine($"tests: {set.Tests.Count} (`interlock policy test` runs them)");
        if (showRules)
        {
            sb.AppendLine();
            sb.AppendLine("built-in rule ids (for overrides):");
            foreach (var id in BuiltInRuleIds.All) sb.AppendLine("  " + id);
        }
        return sb.ToString();
    }

    private static string Verdict(Verdict v, ApprovalRequirement? a) =>
        v.ToString().ToLowerInvariant() + (v == Core.Verdict.Ask && a is not null ? " (" + Approval(a) + ")" : "");

    private static string Approval(ApprovalRequirement a) =>
        $"{Plural.Of(a.Approvers, "approver")}{(a.Group is { } g ? " from " + g : "")}{(a.Expiry is { } x ? ", valid " + Duration(x) : "")}";

    internal static string Duration(TimeSpan t) =>
        t.TotalDays >= 1 && t.TotalDays % 1 == 0 ? $"{t.TotalDays}d" : t.TotalHours >= 1 && t.TotalHours % 1 == 0 ? $"{t.TotalHours}h" : t.TotalMinutes >= 1 && t.TotalMinutes % 1 == 0 ? $"{t.TotalMinutes}m" : $"{t.TotalSeconds}s";

    private static string Conditions(RuleConditions m)
    {
        var parts = new List<string>();
        void Add(string name, IEnumerable<string>? values) { if (values is not null) parts.Add($"{name} {string.Join('|', values)}"); }
        Add("effect", m.Effects?.Select(PolicyParser.EffectName));
        Add("path", m.Paths);
        Add("target", m.Targets);
        Add("environment", m.Environments?.Select(e => e.ToString().ToLowerInvariant()));
        Add("tool", m.Tools);
        Add("executable", m.Executables);
        Add("agent", m.Agents);
        Add("session", m.Sessions);
        Add("repository", m.Repositories);
        Add("branch", m.Branches);
        if (m.Amount is { } a) parts.Add($"amount {(a.Min is { } lo ? ">= " + lo : "")}{(a.Min is not null && a.Max is not null ? " and " : "")}{(a.Max is { } hi ? "<= " + hi : "")}");
        if (m.Recursive is { } r) parts.Add(r ? "recursive" : "not recursive");
        return parts.Count == 0 ? "always" : string.Join(", ", parts);
    }

    public static int Init(string[] args)
    {
        string? cwd = null;
        var layer = PolicyLayer.Project;
        var force = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help": Console.Out.WriteLine(InitHelp); return 0;
                case "--user": layer = PolicyLayer.User; break;
                case "--system": layer = PolicyLayer.System; break;
                case "--force": force = true; break;
                case "--cwd":
                    if (i + 1 >= args.Length) return Usage("`--cwd` needs a directory.");
                    cwd = args[++i];
                    break;
                default: return Usage($"unknown argument `{args[i]}` for `init` (see `interlock init --help`).");
            }
        }
        cwd = Path.GetFullPath(cwd ?? Environment.CurrentDirectory);
        var path = layer switch
        {
            PolicyLayer.User => Path.Combine(PolicyLoader.UserDirectory(), PolicyLoader.FileName),
            PolicyLayer.System => Path.Combine(PolicyLoader.SystemDirectory(), PolicyLoader.FileName),
            _ => PolicyLoader.ProjectFile(cwd),
        };
        if (File.Exists(path) && !force)
        {
            Console.Error.WriteLine($"interlock: {path} already exists; edit it, or run `interlock init --force` to replace it with the starter policy.");
            return 1;
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, StarterPolicy.Text.Replace("\r\n", "\n") + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"interlock: could not write {path}: {e.Message}");
            return 1;
        }
        Console.Out.WriteLine($"wrote {path}\nnext: edit it, then `interlock policy validate` and `interlock policy test`.");
        return 0;
    }
}
