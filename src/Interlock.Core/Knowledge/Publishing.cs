namespace Interlock.Core.Knowledge;

/// <summary>Package registries: <c>npm unpublish</c> (also through pnpm and yarn), <c>nuget delete</c> and
/// <c>dotnet nuget delete</c>, <c>gem yank</c>, <c>cargo yank</c> withdraw published versions for everyone who depends
/// on them. Publishing, deprecating and reading are left alone.</summary>
public sealed class Publishing : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["npm", "pnpm", "yarn", "nuget", "dotnet", "gem", "cargo"];

    private static readonly HashSet<string> NpmValued =
        ["--registry", "--otp", "--userconfig", "--globalconfig", "--prefix", "-w", "--workspace", "--tag", "--access", "--loglevel", "--cache", "-C", "--dir", "--filter", "--scope"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        // (--version is a real option of gem yank and cargo yank; alone it only prints the tool's version.)
        if (inv.Args.Any(a => a.Text is "--help" or "-h") || inv.Args is [{ Text: "--version" }]) return;
        switch (inv.Name)
        {
            case "npm" or "pnpm" or "yarn": Npm(inv, effects); break;
            case "nuget": NugetDelete(inv, inv.Args, "nuget delete", effects); break;
            case "dotnet":
            {
                var (_, operands) = Options.Split(inv.Args);
                if (operands.Count >= 2 && operands[0].Text == "nuget" && operands[1].Text == "delete")
                    NugetDelete(inv, inv.Args.SkipWhile(a => a.Text != "nuget").Skip(1).ToList(), "dotnet nuget delete", effects);
                break;
            }
            case "gem": GemYank(inv, effects); break;
            case "cargo": CargoYank(inv, effects); break;
        }
    }

    private static void Add(List<Effect> effects, Invocation inv, string target, string description, bool reversible = false) =>
        effects.Add(new Effect(EffectKind.DeletePublished, target, PathClass.Unknown, false, reversible, description, inv));

    private static void Npm(Invocation inv, List<Effect> effects)
    {
        var words = new List<Arg>();
        for (var i = 0; i < inv.Args.Count; i++)
        {
            var t = inv.Args[i].Text;
            if (NpmValued.Contains(t)) { i++; continue; }
            if (t.StartsWith('-')) continue;
            words.Add(inv.Args[i]);
        }
        // `npm unpublish`, `pnpm unpublish`, `yarn unpublish` (v1), `yarn npm unpublish`.
        var at = words.FindIndex(w => w.Text == "unpublish");
        if (at < 0 || (at > 0 && !(inv.Name == "yarn" && at == 1 && words[0].Text == "npm"))) return;
        if (inv.Args.Any(a => a.Text is "--dry-run" or "--dry-run=true")) return;
        var spec = words.Skip(at + 1).FirstOrDefault();
        var force = inv.Args.Any(a => a.Text is "--force" or "-f");
        var registry = MachineEffects.Value(inv.Args, null, false, "--registry");
        var where = registry is null ? "the npm registry" : registry;
        if (spec is null)
        {
            Add(effects, inv, "npm package in the current directory",
                $"`{inv.Name} unpublish` withdraws the package in the current directory from {where}{(force ? " (every version)" : " (the version in package.json)")}: installs of it fail for everyone, and the version number can never be reused");
            return;
        }
        var text = spec.Text;
        var versionAt = text.LastIndexOf('@');
        if (versionAt > 0)
            Add(effects, inv, "npm " + text,
                $"unpublishes version {text[(versionAt + 1)..]} of `{text[..versionAt]}` from {where}: installs of it fail for everyone, and that version number can never be reused");
        else
            Add(effects, inv, "npm " + text,
                $"unpublishes every version of the package `{text}` from {where}: every project depending on it breaks, and its versions can never be reused");
    }

    private static void NugetDelete(Invocation inv, IReadOnlyList<Arg> args, string tool, List<Effect> effects)
    {
        // nuget.exe spells its options -Source, -ApiKey (single dash, a word); dotnet uses --source, --api-key.
        var (_, operands) = Options.Split(args, t => t is "-Source" or "-ApiKey" or "-ConfigFile" or "-Verbosity" or "-src" or "-s" or "-k"
            or "--source" or "--api-key" or "--verbosity" or "--configfile");
        if (operands.Count == 0 || operands[0].Text != "delete") return;
        operands = operands.Skip(1).ToList();
        var id = operands.Count > 0 ? operands[0].Text : "(a package)";
        var version = operands.Count > 1 ? operands[1].Text : "(a version)";
        var source = MachineEffects.Value(args, 's', false, "--source", "-Source", "-src") ?? "the configured package source";
        Add(effects, inv, $"nuget {id} {version}",
            $"`{tool}` deletes version {version} of the package `{id}` from {source} (on nuget.org it is unlisted): projects that restore it can break");
    }

    private static void GemYank(Invocation inv, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, MachineEffects.TakesValue("vpk", "--version", "--platform", "--host", "--key", "--otp"));
        if (operands.Count == 0 || operands[0].Text != "yank" || flags.Contains("--undo")) return;
        var name = operands.Count > 1 ? operands[1].Text : "(a gem)";
        var version = MachineEffects.Value(inv.Args, 'v', false, "--version") ?? "(a version)";
        Add(effects, inv, $"gem {name} {version}",
            $"`gem yank` removes version {version} of the gem `{name}` from {MachineEffects.Value(inv.Args, null, false, "--host") ?? "rubygems.org"}: installs of it fail and the version number cannot be reused");
    }

    private static void CargoYank(Invocation inv, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, MachineEffects.TakesValue("Z", "--version", "--vers", "--index", "--registry", "--token", "--manifest-path", "--config", "--color"));
        if (operands.Count == 0 || operands[0].Text != "yank" || flags.Contains("--undo")) return;
        var spec = operands.Count > 1 ? operands[1].Text : "(the crate in the current directory)";
        var version = MachineEffects.Value(inv.Args, null, false, "--version", "--vers");
        if (version is null && spec.IndexOf('@') > 0) (spec, version) = (spec[..spec.IndexOf('@')], spec[(spec.IndexOf('@') + 1)..]);
        Add(effects, inv, $"crate {spec} {version}",
            $"`cargo yank` withdraws version {version ?? "(a version)"} of the crate `{spec}` from {MachineEffects.Value(inv.Args, null, false, "--registry") ?? "crates.io"}: new projects can no longer depend on it (`cargo yank --undo` restores it)",
            reversible: true);
    }
}
