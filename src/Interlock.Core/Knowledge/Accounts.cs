namespace Interlock.Core.Knowledge;

/// <summary>User and group accounts: deleting users (with their home: data loss), deleting groups, removing or locking
/// passwords and expiring accounts disrupt the system; creating users and setting passwords are changes.</summary>
public sealed class Accounts : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } =
        ["userdel", "deluser", "groupdel", "delgroup", "passwd", "usermod", "chpasswd", "chage", "useradd", "adduser", "groupadd", "addgroup", "newusers", "groupmod"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        if (inv.Args.Any(a => a.Text is "--help" or "-h" or "--version" or "-V")) return;
        switch (inv.Name)
        {
            case "userdel": Userdel(inv, ctx, effects); break;
            case "deluser" or "delgroup": Deluser(inv, ctx, effects); break;
            case "groupdel":
            {
                var (_, operands) = Options.Split(inv.Args, MachineEffects.TakesValue("RP", "--root", "--prefix"));
                foreach (var g in operands)
                    Add(effects, inv, ctx, EffectKind.DisruptSystem, $"group {g.Text}",
                        $"deletes the group `{g.Text}`: its members lose the access it granted, and files owned by it are left with a bare group id");
                break;
            }
            case "passwd": Passwd(inv, ctx, effects); break;
            case "usermod": Usermod(inv, ctx, effects); break;
            case "chpasswd" or "newusers":
            {
                var users = (inv.Stdin ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(l => l.Split(':')[0]).Where(u => u.Length > 0).ToList();
                var who = users.Count > 0 ? $"the account(s) {MachineEffects.List(users)}" : "the accounts listed on standard input";
                Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, "accounts " + string.Join(' ', users),
                    inv.Name == "chpasswd" ? $"`chpasswd` sets new passwords for {who}" : $"`newusers` creates or updates {who}");
                break;
            }
            case "chage":
            {
                var (flags, operands) = Options.Split(inv.Args, MachineEffects.TakesValue("dEIimMRPW", "--lastday", "--expiredate", "--inactive", "--mindays", "--maxdays", "--root", "--prefix", "--warndays"));
                if (Options.Has(flags, 'l', "--list")) return;
                var user = operands.LastOrDefault()?.Text ?? "(no user named)";
                var expire = MachineEffects.Value(inv.Args, 'E', false, "--expiredate");
                if (expire is "0" or "1" or "1970-01-01" or "1970-01-02" || (expire?.StartsWith("19") ?? false))
                    Add(effects, inv, ctx, EffectKind.DisruptSystem, $"user {user}", $"expires the account `{user}` now: nobody can log in as it any more");
                else if (flags.Count > 0)
                    Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, $"user {user}", $"changes the password ageing of `{user}`");
                break;
            }
            case "useradd" or "adduser" or "groupadd" or "addgroup" or "groupmod":
            {
                var (_, operands) = Options.Split(inv.Args, MachineEffects.TakesValue("bcdefgGkKpsuUNRPZn",
                    "--base-dir", "--comment", "--home-dir", "--home", "--expiredate", "--inactive", "--gid", "--groups", "--skel", "--key",
                    "--password", "--shell", "--uid", "--root", "--prefix", "--selinux-user", "--new-name", "--conf", "--ingroup", "--gecos", "--firstuid", "--lastuid"));
                var names = operands.Select(o => o.Text).ToList();
                var what = inv.Name is "groupadd" or "addgroup" or "groupmod" ? "group" : "user";
                Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, $"{what} {string.Join(' ', names)}",
                    inv.Name == "groupmod" ? $"changes the group {MachineEffects.List(names)}"
                    : inv.Name == "adduser" && names.Count == 2 ? $"adds the user `{names[0]}` to the group `{names[1]}`"
                    : $"creates the {what} {MachineEffects.List(names)}");
                break;
            }
        }
    }

    private static void Add(List<Effect> effects, Invocation inv, KnowledgeContext ctx, EffectKind kind, string target, string description) =>
        effects.Add(MachineEffects.Make(kind, target, description, inv, ctx));

    private static void Userdel(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, MachineEffects.TakesValue("RP", "--root", "--prefix"));
        var removeHome = Options.Has(flags, 'r', "--remove");
        var force = Options.Has(flags, 'f', "--force");
        foreach (var u in operands.DefaultIfEmpty(Arg.Literal("(no user named)")))
        {
            var who = u.Known ? $"`{u.Text}`" : $"named at run time (`{u.Text}`)";
            if (removeHome)
                Add(effects, inv, ctx, EffectKind.DestroyData, $"user {u.Text}",
                    $"deletes the user account {who} together with its home directory and mail spool{(force ? ", even while the user is logged in" : "")}: their files are gone");
            else
                Add(effects, inv, ctx, EffectKind.DisruptSystem, $"user {u.Text}",
                    $"deletes the user account {who}{(force ? " even while it is logged in" : "")}: it can no longer log in and its processes and cron jobs stop working");
        }
    }

    private static void Deluser(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, MachineEffects.TakesValue("c", "--conf", "--backup-to"));
        var names = operands.Select(o => o.Text).ToList();
        if (names.Count == 0) return;
        if (names.Count >= 2)
        {
            Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, $"user {names[0]}",
                $"removes the user `{names[0]}` from the group `{names[1]}`, taking away the access it grants");
            return;
        }
        var name = names[0];
        if (inv.Name == "delgroup" || flags.Contains("--group"))
        {
            Add(effects, inv, ctx, EffectKind.DisruptSystem, $"group {name}", $"deletes the group `{name}`: its members lose the access it granted");
            return;
        }
        if (flags.Contains("--remove-all-files"))
            Add(effects, inv, ctx, EffectKind.DestroyData, $"user {name}",
                $"deletes the user `{name}` and every file it owns anywhere on the machine{(flags.Any(f => f.StartsWith("--backup")) ? " (after backing them up)" : "")}");
        else if (flags.Contains("--remove-home"))
            Add(effects, inv, ctx, EffectKind.DestroyData, $"user {name}",
                $"deletes the user `{name}` and its home directory{(flags.Any(f => f.StartsWith("--backup")) ? " (after backing it up)" : "")}");
        else
            Add(effects, inv, ctx, EffectKind.DisruptSystem, $"user {name}", $"deletes the user account `{name}`: it can no longer log in");
    }

    private static void Passwd(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, MachineEffects.TakesValue("nxwiRrP", "--mindays", "--maxdays", "--warndays", "--inactive", "--root", "--repository", "--prefix"));
        if (Options.Has(flags, 'S', "--status")) return;
        var user = operands.FirstOrDefault()?.Text;
        var who = user is null ? "the current user" : $"`{user}`";
        var target = $"user {user ?? "(current)"}";
        if (Options.Has(flags, 'd', "--delete"))
            Add(effects, inv, ctx, EffectKind.DisruptSystem, target,
                $"removes the password of {who}: where empty passwords are accepted anyone can log in as it, elsewhere password logins stop working");
        else if (Options.Has(flags, 'l', "--lock"))
            Add(effects, inv, ctx, EffectKind.DisruptSystem, target, $"locks the password of {who}: password logins as it stop working");
        else if (Options.Has(flags, 'e', "--expire"))
            Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, target, $"expires the password of {who}, forcing a change at the next login");
        else if (Options.Has(flags, 'u', "--unlock"))
            Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, target, $"unlocks the password of {who}");
        else
            Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, target,
                flags.Count > 0 && !flags.Contains("--stdin") ? $"changes the password settings of {who}" : $"sets a new password for {who}");
    }

    private static void Usermod(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, MachineEffects.TakesValue("cdefgGlpRPsuZvVwW",
            "--comment", "--home", "--expiredate", "--inactive", "--gid", "--groups", "--login", "--password", "--root", "--prefix",
            "--shell", "--uid", "--selinux-user", "--add-subuids", "--del-subuids", "--add-subgids", "--del-subgids"));
        var user = operands.LastOrDefault()?.Text ?? "(no user named)";
        var target = $"user {user}";
        var shell = MachineEffects.Value(inv.Args, 's', false, "--shell");
        var expire = MachineEffects.Value(inv.Args, 'e', false, "--expiredate");
        var groups = MachineEffects.Value(inv.Args, 'G', false, "--groups");
        var append = Options.Has(flags, 'a', "--append") || Options.Has(flags, 'r', "--remove");
        if (Options.Has(flags, 'L', "--lock"))
            Add(effects, inv, ctx, EffectKind.DisruptSystem, target, $"locks the account `{user}`: password logins as it stop working");
        else if (shell is not null && (shell.EndsWith("/nologin") || shell.EndsWith("/false")))
            Add(effects, inv, ctx, EffectKind.DisruptSystem, target, $"gives `{user}` the shell {shell}: nobody can log in as it any more");
        else if (expire is "0" or "1" or "1970-01-01" or "1970-01-02")
            Add(effects, inv, ctx, EffectKind.DisruptSystem, target, $"expires the account `{user}` now: nobody can log in as it any more");
        else if (groups is not null && !append)
            Add(effects, inv, ctx, EffectKind.DisruptSystem, target,
                $"replaces every supplementary group of `{user}` with `{groups}` (without -a): it leaves all other groups, such as sudo/wheel or docker, and can lose admin access");
        else if (flags.Count > 0)
            Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, target,
                groups is not null ? $"adds `{user}` to the group(s) `{groups}`" : $"changes the account `{user}`");
    }
}
