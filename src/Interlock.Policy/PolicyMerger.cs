using Interlock.Core;
using Interlock.Core.Policy;

namespace Interlock.Policy;

/// <summary>
/// Layers policy files over the built-in defaults: built-in &lt; system &lt; user &lt; project. Rules and overrides from
/// every layer are kept (the evaluator resolves conflicts); settings are replaced layer by layer, except that a project
/// file (which the agent can write) can only tighten: it adds protected paths, branches and production names but
/// removes none, removes regenerable names but adds none, lowers thresholds and budgets, and cannot make the guard fail
/// to ask. What a project file tries to loosen is ignored and reported as a warning at its position.
/// </summary>
public static class PolicyMerger
{
    public static (PolicySet Set, List<PolicyDiagnostic> Diagnostics) Merge(IEnumerable<PolicyFile> files)
    {
        var diagnostics = new List<PolicyDiagnostic>();
        var s = PolicySettings.Default;
        var origins = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in PolicyParser.SettingFields.Concat(PolicyParser.EditThresholdFields.Select(f => "edit_thresholds." + f)).Concat(PolicyParser.BudgetFields.Select(f => "budgets." + f)))
            if (name is not ("edit_thresholds" or "budgets")) origins[name] = "built-in";
        var rules = new List<PolicyRule>();
        var commands = new List<CommandRule>();
        var tests = new List<PolicyTestCase>();

        foreach (var file in files.OrderBy(f => f.Layer))
        {
            diagnostics.AddRange(file.Diagnostics);
            rules.AddRange(file.Rules);
            commands.AddRange(file.Commands);
            tests.AddRange(file.Tests);
            var f = file.Settings;
            var project = file.Layer == PolicyLayer.Project;

            void Warn(SourceLocation at, string message) =>
                diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Warning, at, "a project policy can only tighten (the agent can write to the repository): " + message + "; loosening belongs in ~/.config/interlock/policy.yaml or /etc/interlock/policy.yaml"));

            IReadOnlyList<string> List(Setting<ListSetting>? setting, IReadOnlyList<string> inherited, string name, bool tightenAdds)
            {
                if (setting is null) return inherited;
                var proposed = setting.Value.ApplyTo(inherited);
                if (!project || !proposed.SequenceEqual(inherited)) origins[name] = setting.Location.ToString();
                if (!project) return proposed;
                // Tighten-only: keep everything inherited (adds) or keep only what was inherited (removes).
                var kept = tightenAdds ? inherited.Concat(proposed.Where(p => !inherited.Contains(p))).ToList() : proposed.Where(inherited.Contains).ToList();
                var ignored = tightenAdds ? inherited.Where(i => !proposed.Contains(i)).ToList() : proposed.Where(p => !inherited.Contains(p)).ToList();
                if (ignored.Count > 0)
                    Warn(setting.Location, $"`{name}` cannot {(tightenAdds ? "remove" : "add")} {string.Join(", ", ignored.Select(x => $"`{x}`"))}, so {(ignored.Count == 1 ? "it is" : "they are")} kept as inherited");
                return kept;
            }

            T Number<T>(Setting<T>? setting, T inherited, string name, bool lowerIsTighter, Func<T, string>? show = null, string? tighter = null) where T : IComparable<T>
            {
                if (setting is null) return inherited;
                var isTighter = lowerIsTighter ? setting.Value.CompareTo(inherited) <= 0 : setting.Value.CompareTo(inherited) >= 0;
                if (!project || isTighter) origins[name] = setting.Location.ToString();
                if (!project || isTighter) return setting.Value;
                show ??= v => v.ToString() ?? "";
                Warn(setting.Location, $"`{name}` can only be made {tighter ?? (lowerIsTighter ? "lower" : "higher")} than the inherited {show(inherited)} in a project file, so {show(setting.Value)} is ignored");
                return inherited;
            }

            // Declarations add up across layers; a project file may only declare production (declaring a name
            // staging or development there would let the agent lower the approvals its own commands need).
            IReadOnlyList<Interlock.Core.Environments.DeclaredTarget> Declared(Setting<List<(Interlock.Core.Environments.DeclaredTarget Target, SourceLocation At)>>? setting, IReadOnlyList<Interlock.Core.Environments.DeclaredTarget> inherited)
            {
                if (setting is null) return inherited;
                origins["environments"] = setting.Location.ToString();
                var result = new List<Interlock.Core.Environments.DeclaredTarget>(inherited);
                foreach (var (target, at) in setting.Value)
                {
                    if (project && target.Environment != TargetEnvironment.Production)
                    {
                        Warn(at, $"`environments.{target.Environment.ToString().ToLowerInvariant()}` cannot declare `{target.Pattern}`, so it is ignored");
                        continue;
                    }
                    if (!result.Contains(target)) result.Add(target);
                }
                return result;
            }

            s = s with
            {
                RegenerableNames = List(f.RegenerableNames, s.RegenerableNames, "regenerable_names", tightenAdds: false),
                ProductionNames = List(f.ProductionNames, s.ProductionNames, "production_names", tightenAdds: true),
                StagingNames = List(f.StagingNames, s.StagingNames, "staging_names", tightenAdds: true),
                DevelopmentNames = List(f.DevelopmentNames, s.DevelopmentNames, "development_names", tightenAdds: false),
                ProtectedBranches = List(f.ProtectedBranches, s.ProtectedBranches, "protected_branches", tightenAdds: true),
                ProtectedPaths = List(f.ProtectedPaths, s.ProtectedPaths, "protected_paths", tightenAdds: true),
                EditThresholds = new EditThresholds
                {
                    MinLines = Number(f.MinLines, s.EditThresholds.MinLines, "edit_thresholds.min_lines", lowerIsTighter: true),
                    RemovedFraction = Number(f.RemovedFraction, s.EditThresholds.RemovedFraction, "edit_thresholds.removed_fraction", lowerIsTighter: true),
                    KeptFraction = Number(f.KeptFraction, s.EditThresholds.KeptFraction, "edit_thresholds.kept_fraction", lowerIsTighter: false),
                    MaxBytes = Number(f.MaxBytes, s.EditThresholds.MaxBytes, "edit_thresholds.max_bytes", lowerIsTighter: true),
                },
                Budgets = new BudgetSettings
                {
                    Window = Number(f.Window, s.Budgets.Window, "budgets.window", lowerIsTighter: false),
                    FilesDeleted = Number(f.FilesDeleted, s.Budgets.FilesDeleted, "budgets.files_deleted", lowerIsTighter: true),
                    LinesRemoved = Number(f.LinesRemoved, s.Budgets.LinesRemoved, "budgets.lines_removed", lowerIsTighter: true),
                    DestructiveCommands = Number(f.DestructiveCommands, s.Budgets.DestructiveCommands, "budgets.destructive_commands", lowerIsTighter: true),
                },
                DeclaredEnvironments = Declared(f.Environments, s.DeclaredEnvironments),
                UnknownIsProduction = Number(f.UnknownIsProduction is { } up ? new Setting<int>(up.Value ? 1 : 0, up.Location) : null, s.UnknownIsProduction ? 1 : 0, "unknown_environment", lowerIsTighter: false) == 1,
                FailClosed = (Verdict)Number(f.FailClosed is { } fc ? new Setting<int>((int)fc.Value, fc.Location) : null, (int)s.FailClosed, "fail_closed", lowerIsTighter: false,
                    show: v => ((Verdict)v).ToString().ToLowerInvariant(), tighter: "stricter"),
                HarnessPrompt = (HarnessPrompt)Number(f.HarnessPrompt is { } hp ? new Setting<int>((int)hp.Value, hp.Location) : null, (int)s.HarnessPrompt, "approvals.harness_prompt", lowerIsTighter: true,
                    show: v => PolicyParser.HarnessPromptName((HarnessPrompt)v), tighter: "stricter"),
            };
        }

        // Command rules with the same id in several layers: each is kept, but ids must stay unique for explain.
        var seen = new Dictionary<string, CommandRule>(StringComparer.Ordinal);
        foreach (var c in commands)
        {
            if (seen.TryGetValue(c.Id, out var earlier) && c.Location is { } at)
                diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, at, $"the command rule id `{c.Id}` is already used at {earlier.Location}; give each rule its own id"));
            seen[c.Id] = c;
        }
        var ruleIds = new Dictionary<string, PolicyRule>(StringComparer.Ordinal);
        foreach (var r in rules.Where(r => r.Overrides is null))
        {
            if ((ruleIds.TryGetValue(r.Id, out var earlier) || seen.ContainsKey(r.Id)) && r.Location is { } at)
                diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, at, $"the rule id `{r.Id}` is already used{(earlier?.Location is { } e ? " at " + e : "")}; give each rule its own id"));
            ruleIds[r.Id] = r;
        }

        return (new PolicySet { Settings = s, Rules = rules, Commands = commands, Tests = tests, Origins = origins }, diagnostics);
    }
}
