using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// tar runs commands named in its options: <c>--checkpoint-action=exec=CMD</c>, <c>--to-command=CMD</c>,
/// <c>--use-compress-program=CMD</c> / <c>-I CMD</c>, <c>--info-script</c>/<c>--new-volume-script</c>/<c>-F</c> and
/// <c>--rsh-command</c>. Each command is analysed as shell code (tar runs it through /bin/sh); a command that reads its
/// instructions from tar's data (<c>--to-command=sh</c>) is indeterminate. Creating and listing archives has no effect here.
/// </summary>
public sealed class Tar : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["tar", "gtar", "bsdtar"];

    private static readonly string[] CommandOptions =
        ["--checkpoint-action", "--to-command", "--use-compress-program", "--info-script", "--new-volume-script", "--rsh-command"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "--") break;
            string? option = null, value = null;
            foreach (var o in CommandOptions)
            {
                if (t == o) { option = o; value = i + 1 < args.Count ? args[++i].Text : null; break; }
                if (t.StartsWith(o + "=", StringComparison.Ordinal)) { option = o; value = t[(o.Length + 1)..]; break; }
            }
            if (option is null && t is "-I" or "-F" && i + 1 < args.Count) { option = t; value = args[++i].Text; }
            else if (option is null && t.Length > 2 && t[0] == '-' && t[1] != '-' && t.IndexOfAny(['I', 'F']) is var k and > 0)
            {
                // bundled short options: the value is the rest of the bundle or the next argument
                option = "-" + t[k];
                value = k + 1 < t.Length ? t[(k + 1)..] : i + 1 < args.Count ? args[++i].Text : null;
            }
            if (option is null || value is null) continue;
            if (option == "--checkpoint-action")
            {
                if (!value.StartsWith("exec=", StringComparison.Ordinal)) continue;
                value = value["exec=".Length..];
            }
            if (!args[i].Known)
            {
                EmbeddedCode.Indeterminate(inv, $"`tar {option}` runs a command computed at run time", effects);
                continue;
            }
            var first = value.Trim().Split(' ', '\t')[0];
            if (option == "--to-command" && value.Trim().Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries).Length == 1
                && first.Split('/')[^1] is "sh" or "bash" or "dash" or "zsh" or "ksh" or "python" or "python3" or "perl" or "ruby" or "node")
            {
                EmbeddedCode.Indeterminate(inv, $"`tar --to-command={value}` runs the archive's contents as code", effects);
                continue;
            }
            EmbeddedCode.Shell(ctx, inv, value, $"tar {option}", effects);
        }
    }
}
