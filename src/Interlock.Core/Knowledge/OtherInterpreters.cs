using System.Text.RegularExpressions;
using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// Interpreters Interlock has no analyser for (lua, tclsh, Rscript/R, osascript, pwsh/powershell, julia): inline code
/// (<c>-e</c>, <c>-c</c>/<c>-Command</c>, code on stdin) that runs processes or deletes files is indeterminate, since
/// what it runs cannot be analysed. <c>pwsh -EncodedCommand</c> is always indeterminate. Other inline code has no effect.
/// </summary>
public sealed partial class OtherInterpreters : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["lua", "luajit", "tclsh", "wish", "Rscript", "R", "osascript", "pwsh", "powershell", "julia"];

    [GeneratedRegex(@"os\.execute|io\.popen|os\.remove|\bexec\b|\bsystem2?\s*\(|shell\s*\(|unlink|file\.remove|do shell script|Remove-Item|\brm\b|\brmdir\b|\bdel\b|Invoke-Expression|\biex\b|Start-Process|run\s*\(|rm\s*\(|\bdelete\b|Clear-Content|Set-Content|Out-File|Format-Volume|Stop-Computer|Restart-Computer", RegexOptions.IgnoreCase)]
    private static partial Regex Risky();

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var codes = new List<Arg>();
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            var lower = t.ToLowerInvariant();
            if (inv.Name is "pwsh" or "powershell" && lower is "-encodedcommand" or "-enc" or "-e" or "-ec")
            {
                EmbeddedCode.Indeterminate(inv, $"`{inv.Name} {t}` runs base64-encoded code that cannot be analysed", effects);
                return;
            }
            var isCode = inv.Name switch
            {
                "pwsh" or "powershell" => lower is "-c" or "-command",
                _ => t is "-e" or "--eval" or "-c",
            };
            if (isCode && i + 1 < args.Count) codes.Add(args[++i]);
            else if (inv.Name is "pwsh" or "powershell" && !t.StartsWith('-') && i == args.Count - 1 && codes.Count == 0 && !t.EndsWith(".ps1")) codes.Add(args[i]);
        }
        if (args.Count == 0 || inv.Name == "tclsh" && args.All(a => a.Text.StartsWith('-')))
        {
            if (inv.Stdin is { } stdin) codes.Add(Arg.Literal(stdin));
            else if (inv.StdinFromUnknown is not null) EmbeddedCode.Indeterminate(inv, $"`{inv.Name}` runs code read from stdin, which cannot be known in advance", effects);
        }
        foreach (var code in codes)
            if (!code.Known || Risky().IsMatch(code.Text))
                EmbeddedCode.Indeterminate(inv, $"`{inv.Name}` runs inline code that can run commands or delete files, which cannot be analysed: {code.Text}", effects);
    }
}
