using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary><c>chmod</c>, <c>chown</c>, <c>chgrp</c>: recursive changes can lock a system or a user out.</summary>
public sealed class Permissions : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["chmod", "chown", "chgrp", "setfacl"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        // `chmod -x file`: a symbolic mode that starts with '-' is the mode, not an option.
        var args = inv.Args;
        var dashMode = inv.Name == "chmod" ? args.ToList().FindIndex(a => a.Known && IsDashMode(a.Text)) : -1;
        if (dashMode >= 0) args = args.Where((_, i) => i != dashMode).ToList();
        var (flags, operands) = Options.Split(args, f => f is "--reference");
        if (flags.Contains("--help")) return;
        var recursive = Options.Has(flags, 'R', "--recursive");
        // The first operand is the mode or owner (unless --reference gave it).
        var paths = dashMode >= 0 || flags.Any(f => f.StartsWith("--reference")) || inv.Name == "setfacl" ? operands : operands.Skip(1);
        if (inv.Name == "setfacl") paths = paths.Skip(1);
        var change = inv.Name == "chmod" ? "permissions" : "ownership";
        if (dashMode >= 0 && operands.Count == 0) return;
        var mode = inv.Name != "chmod" ? null : dashMode >= 0 ? inv.Args[dashMode].Text : flags.Any(f => f.StartsWith("--reference")) ? null : operands.FirstOrDefault()?.Text;
        var locksOut = recursive && mode is not null && RemovesOwnerRead(mode);
        foreach (var p in paths)
        {
            var before = effects.Count;
            ctx.AddPathEffects(effects, EffectKind.ChangePermissions, p, recursive, inv,
                t => locksOut
                    ? $"`chmod -R {mode}` takes read access away from the owner of {t.Path}{(t.IsFile ? "" : " and everything in it")}: the files can no longer be read, built or committed, and their earlier modes are not kept anywhere"
                    : $"changes the {change} of {t.Path}{(recursive && !t.IsFile ? " and everything in it" : "")}");
            if (locksOut)
                for (var k = before; k < effects.Count; k++) effects[k] = effects[k] with { Detail = "removes-owner-access" };
        }
    }

    /// <summary>A mode that leaves the file's owner without read permission: an octal mode whose owner digit lacks 4
    /// (<c>000</c>, <c>0</c>, <c>200</c>), or a symbolic clause for u or a (or everyone) that removes r
    /// (<c>a-r</c>, <c>u-rwx</c>, <c>-r</c>) or sets permissions without it (<c>u=</c>, <c>a=w</c>).</summary>
    internal static bool RemovesOwnerRead(string mode)
    {
        if (mode.Length > 0 && mode.All(c => c is >= '0' and <= '7'))
        {
            var digits = mode.PadLeft(3, '0');
            return (digits[^3] - '0' & 4) == 0;
        }
        foreach (var clause in mode.Split(','))
        {
            var op = clause.IndexOfAny(['+', '-', '=']);
            if (op < 0) continue;
            var who = clause[..op];
            if (who.Length > 0 && !who.Contains('u') && !who.Contains('a')) continue;
            // Several operations can follow one another (`u=rw-x`): read the last one that mentions r, or an `=` without it.
            var removes = false;
            var i = op;
            while (i < clause.Length)
            {
                var o = clause[i++];
                var start = i;
                while (i < clause.Length && clause[i] is not ('+' or '-' or '=')) i++;
                var perms = clause[start..i];
                if (o == '-' && perms.Contains('r')) removes = true;
                else if (o == '=' && !perms.Contains('r')) removes = true;
                else if (o is '+' or '=' && perms.Contains('r')) removes = false;
            }
            if (removes) return true;
        }
        return false;
    }

    /// <summary><c>-x</c>, <c>-rwx</c>, <c>-w,o-r</c>: a symbolic mode removing permissions.</summary>
    private static bool IsDashMode(string t) =>
        t.Length > 1 && t[0] == '-' && t.Skip(1).All(c => "rwxXstugoa,+-=".Contains(c)) && t.Skip(1).Any(c => "rwxXst".Contains(c));
}
