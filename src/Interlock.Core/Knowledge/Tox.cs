using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// tox runs, for each environment (<c>-e a,b</c>, else <c>envlist</c> of <c>[tox]</c>, else the default one), the
/// <c>commands_pre</c>, <c>commands</c> and <c>commands_post</c> of its <c>[testenv:name]</c> section (or <c>[testenv]</c>)
/// in tox.ini. Each command line is analysed as shell code in tox.ini's directory (tox runs them without a shell, so this
/// only sees more), with <c>{posargs}</c>, <c>{toxinidir}</c> and <c>{envname}</c> replaced; other substitutions make the
/// line indeterminate. A project configured only in pyproject.toml or tox.toml is indeterminate.
/// </summary>
public sealed class Tox : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["tox"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (args.Any(a => a.Known && a.Text is "--help" or "-h" or "--version" or "-l" or "--listenvs" or "-a" or "--listenvs-all" or "--showconfig" or "config" or "list" or "--notest" or "quickstart" or "devenv")) return;
        var dir = TaskRunners.StartDirectory(inv);
        string? config = null;
        List<string>? envs = null;
        var posargs = new List<Arg>();
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "--") { posargs.AddRange(args.Skip(i + 1)); break; }
            if (t is "-e" or "-f" or "--env" && i + 1 < args.Count)
            {
                var v = args[++i];
                if (!v.Known) { TaskRunners.Unknown(inv, "`tox -e` runs environments named at run time", effects); return; }
                (envs ??= []).AddRange(v.Text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                continue;
            }
            if (t is "-c" or "--conf" && i + 1 < args.Count) { config = args[++i].Known ? args[i].Text : "\0"; continue; }
            if (t is "--workdir" or "-x" or "--override" && i + 1 < args.Count) { i++; continue; }
        }
        if (dir is null || config == "\0") return;
        var path = config is not null ? PathResolver.Combine(dir, config)! : TaskRunners.Find(ctx, dir, upwards: false, "tox.ini");
        var how = string.Join(' ', new[] { "tox" }.Concat(args.Select(a => a.Text)));
        if (path is null)
        {
            if (TaskRunners.Find(ctx, dir, false, "tox.toml") is { } toml || (TaskRunners.Find(ctx, dir, false, "pyproject.toml") is { } py && TaskRunners.Read(ctx, py) is { } text && text.Contains("[tool.tox")))
                TaskRunners.Unknown(inv, $"`{how}` runs commands configured in tox.toml or pyproject.toml, which are not read", effects);
            return;
        }
        if (ctx.World.GetPathKind(path) != PathKind.File) return;
        var ini = TaskRunners.Read(ctx, path);
        if (ini is null) { TaskRunners.Unknown(inv, $"`{how}` runs commands from {TaskRunners.Display(inv, path)}, which cannot be read", effects); return; }
        var sections = Sections(ini);
        if (envs is null)
        {
            var list = sections.GetValueOrDefault("tox")?.GetValueOrDefault("envlist") ?? sections.GetValueOrDefault("tox")?.GetValueOrDefault("env_list");
            envs = list is null ? ["py"] : list.Split([',', '\n', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        }
        var root = TaskRunners.DirectoryOf(path);
        var post = posargs.Count > 0 ? TaskRunners.Quote(posargs).TrimStart() : null;
        foreach (var env in envs.Distinct())
        {
            if (env == "ALL") { foreach (var s in sections.Keys.Where(k => k.StartsWith("testenv:"))) Env(s["testenv:".Length..]); continue; }
            if (env.Contains('{')) { TaskRunners.Unknown(inv, $"`{how}` runs the environments `{env}`, a factor expression Interlock does not expand", effects); continue; }
            Env(env);
        }

        void Env(string env)
        {
            var own = sections.GetValueOrDefault("testenv:" + env);
            var base_ = sections.GetValueOrDefault("testenv");
            foreach (var key in new[] { "commands_pre", "commands", "commands_post" })
            {
                var value = own?.GetValueOrDefault(key) ?? base_?.GetValueOrDefault(key);
                if (value is null) continue;
                foreach (var raw in value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var line = raw.TrimStart('-', '!').Trim();
                    var code = Substitute(line, root, env, post);
                    if (code is null) TaskRunners.Unknown(inv, $"`{how}` runs, in the environment `{env}` of {TaskRunners.Display(inv, path)}, a command whose substitutions cannot be worked out: {line}", effects);
                    else TaskRunners.Line(ctx, inv, how, $"the {key} of the environment `{env}`", path, code, root, effects);
                }
            }
        }
    }

    private static string? Substitute(string line, string root, string env, string? posargs)
    {
        var sb = new System.Text.StringBuilder();
        for (var k = 0; k < line.Length; k++)
        {
            if (line[k] != '{') { sb.Append(line[k]); continue; }
            var close = line.IndexOf('}', k);
            if (close < 0) return null;
            var expr = line[(k + 1)..close];
            if (expr == "posargs" || expr.StartsWith("posargs:")) sb.Append(posargs ?? (expr.Length > 8 ? expr[8..] : ""));
            else if (expr == "toxinidir" || expr == "tox_root") sb.Append(root);
            else if (expr == "envname" || expr == "env_name") sb.Append(env);
            else if (expr == "/") sb.Append('/');
            else return null;
            k = close;
        }
        return sb.ToString();
    }

    /// <summary>INI sections → keys → values; continuation lines (indented) are joined with newlines, a trailing
    /// backslash joins a line with the next.</summary>
    private static Dictionary<string, Dictionary<string, string>> Sections(string text)
    {
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        string? key = null;
        foreach (var raw in text.Replace("\r\n", "\n").Replace("\\\n", " ").Split('\n'))
        {
            var trimmed = raw.Trim();
            if (trimmed.StartsWith('#') || trimmed.StartsWith(';')) continue;
            if (trimmed.StartsWith('[') && trimmed.EndsWith(']') && raw[0] == '[')
            {
                var name = trimmed[1..^1].Trim();
                if (!result.TryGetValue(name, out current)) result[name] = current = new(StringComparer.Ordinal);
                key = null;
                continue;
            }
            if (current is null || trimmed.Length == 0) continue;
            if (raw[0] is ' ' or '\t' && key is not null) { current[key] = current[key] + "\n" + trimmed; continue; }
            var eq = trimmed.IndexOf('=');
            if (eq <= 0) continue;
            key = trimmed[..eq].Trim();
            current[key] = trimmed[(eq + 1)..].Trim();
        }
        return result;
    }
}
