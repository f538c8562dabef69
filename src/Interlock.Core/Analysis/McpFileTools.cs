using System.Text.Json;
using Interlock.Core.Knowledge;

namespace Interlock.Core.Analysis;

/// <summary>
/// The file-changing tools of the reference MCP filesystem server (@modelcontextprotocol/server-filesystem), by their
/// tool names whatever the server is called: <c>write_file {path, content}</c> and <c>edit_file {path, edits:
/// [{oldText, newText}], dryRun}</c> are judged like the harness's own Write and MultiEdit tools (<see
/// cref="FileEditAnalyzer"/>: protected paths, links, mass deletion); <c>move_file {source, destination}</c> like
/// <c>mv</c>; <c>create_directory {path}</c> at a protected location is a write there. Relative paths are taken from the
/// action's working directory, <c>~/</c> from home (the server expands it).
/// </summary>
public static class McpFileTools
{
    public static void Analyze(string tool, JsonElement args, string cwd, KnowledgeContext ctx, List<Effect> effects)
    {
        if (args.ValueKind != JsonValueKind.Object) return;
        switch (tool)
        {
            case "write_file" when Text(args, "path") is { } path:
                effects.AddRange(FileEditAnalyzer.Analyze(new FileAction(FileToolKind.Write, path) { Content = Text(args, "content") ?? "" }, cwd, ctx));
                break;
            case "edit_file" when Text(args, "path") is { } path:
            {
                if (args.TryGetProperty("dryRun", out var dry) && dry.ValueKind == JsonValueKind.True) break; // shows a diff, writes nothing
                var edits = new List<TextEdit>();
                if (args.TryGetProperty("edits", out var list) && list.ValueKind == JsonValueKind.Array)
                    foreach (var e in list.EnumerateArray())
                        if (e.ValueKind == JsonValueKind.Object)
                            edits.Add(new TextEdit(Text(e, "oldText") ?? "", Text(e, "newText") ?? ""));
                effects.AddRange(FileEditAnalyzer.Analyze(new FileAction(FileToolKind.MultiEdit, path) { Edits = edits }, cwd, ctx));
                break;
            }
            case "move_file":
            {
                var source = Text(args, "source");
                var destination = Text(args, "destination");
                var at = Source(tool, cwd, ctx);
                if (source is not null && Absolute(source, cwd, ctx) is { } from)
                {
                    var t = ctx.Paths.Classify(from, false, at.Context, followFinal: false);
                    if (t.Class is PathClass.Protected or PathClass.Root or PathClass.SystemCritical or PathClass.SystemTopLevel or PathClass.Home or PathClass.ProjectRoot)
                        effects.Add(new Effect(EffectKind.MovePath, t.Path, t.Class, true, true, $"the MCP tool `{tool}` moves {t.Path} away", at));
                }
                if (destination is not null && Absolute(destination, cwd, ctx) is { } to)
                {
                    var t = ctx.Paths.Classify(to, false, at.Context);
                    if (t.Class is PathClass.Protected or PathClass.SystemCritical)
                        effects.Add(new Effect(EffectKind.OverwriteFile, t.Path, t.Class, false, false, $"the MCP tool `{tool}` moves {source ?? "a file"} to {t.Path}", at, t.Exists ? "exists" : null));
                }
                break;
            }
            case "create_directory" when Text(args, "path") is { } path && Absolute(path, cwd, ctx) is { } dir:
            {
                var at = Source(tool, cwd, ctx);
                var t = ctx.Paths.Classify(dir, false, at.Context);
                if (t.Class == PathClass.Protected)
                    effects.Add(new Effect(EffectKind.OverwriteFile, t.Path, t.Class, false, false, $"the MCP tool `{tool}` creates {t.Path}", at, t.Exists ? "exists" : null));
                break;
            }
        }
    }

    private static Invocation Source(string tool, string cwd, KnowledgeContext ctx) =>
        new(tool, tool, [], new ExecContext([cwd], ctx.World.HomeDirectory, null, [$"MCP tool {tool}"]), [], null, null, "");

    private static string? Absolute(string path, string cwd, KnowledgeContext ctx)
    {
        var home = ctx.World.HomeDirectory.TrimEnd('/');
        if (path == "~") return home;
        if (path.StartsWith("~/", StringComparison.Ordinal)) path = home + path[1..];
        return PathResolver.Combine(cwd, path);
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
