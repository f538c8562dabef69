namespace Interlock.Core.Knowledge;

/// <summary><c>crontab</c>: <c>-r</c> deletes every cron job of the user with no backup; installing a file (or standard
/// input) replaces all of them and installs commands that run later, unattended (persistence); <c>-l</c> only lists.</summary>
public sealed class Crontab : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["crontab"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, MachineEffects.TakesValue("usT", "--user"));
        if (flags.Any(f => f is "--help" or "-h" or "-V" or "--version")) return;
        var user = MachineEffects.Value(inv.Args, 'u', false, "--user");
        var who = user is null ? "the current user" : $"the user `{user}`";
        var target = $"crontab of {user ?? "the current user"}";
        void Add(EffectKind kind, string description) => effects.Add(MachineEffects.Make(kind, target, description, inv, ctx, ("user", user)));

        if (Options.Has(flags, 'l') || Options.Has(flags, 'T')) return; // list; test a file
        if (Options.Has(flags, 'r'))
        {
            Add(EffectKind.DestroyData, $"`crontab -r` deletes every cron job of {who}; cron keeps no backup (save them first with `crontab -l > crontab.bak`)");
            return;
        }
        if (Options.Has(flags, 'e'))
        {
            Add(EffectKind.InstallPersistence, $"`crontab -e` edits the cron jobs of {who}: whatever is added there runs on a schedule, unattended");
            return;
        }
        var source = operands.FirstOrDefault();
        var fromStdin = source is null || source.Text == "-";
        var empty = (source is not null && source.Known && source.Text == "/dev/null")
                    || (fromStdin && inv.Stdin is { } text && string.IsNullOrWhiteSpace(text))
                    || (fromStdin && inv.Redirects.Any(r => r.Kind == Interlock.Core.Shell.RedirectKind.Input && r.Target.Known && r.Target.Text == "/dev/null"));
        if (empty)
            Add(EffectKind.DestroyData, $"installs an empty crontab for {who}, which deletes every cron job it had");
        else
            Add(EffectKind.InstallPersistence,
                $"installs {(fromStdin ? "the text on standard input" : $"the contents of {source!.Text}")} as the cron jobs of {who}, which then run on a schedule, unattended; jobs not in it are removed");
    }
}
