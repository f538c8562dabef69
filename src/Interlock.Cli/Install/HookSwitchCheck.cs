using System.Text.Json;
using Interlock.Core.Policy;

namespace Interlock.Cli.Install;

/// <summary>
/// For `interlock doctor`: the settings that switch a harness's hooks off although Interlock's is registered
/// (<c>"disableAllHooks": true</c>, Gemini's <c>hooksConfig.enabled: false</c> or a <c>hooksConfig.disabled</c>
/// list naming it). The files and settings come from the one table the guard protects (<see cref="HookConfigPaths"/>),
/// so what doctor checks and what an agent may not write are the same list.
/// </summary>
internal static class HookSwitchCheck
{
    /// <summary>Each setting that switches <paramref name="harness"/>'s hooks off, as a problem with its fix.</summary>
    public static IEnumerable<HookProblem> Problems(Harness harness, InstallEnvironment env)
    {
        foreach (var location in HookConfigPaths.Of(harness.Name))
        {
            if (location.Switches.Length == 0) continue;
            foreach (var file in Files(location, env).Distinct(StringComparer.Ordinal))
            {
                if (!File.Exists(file)) continue;
                foreach (var problem in Read(harness, location, file)) yield return problem;
            }
        }
    }

    private static IEnumerable<HookProblem> Read(Harness harness, HookConfigLocation location, string file)
    {
        try
        {
            return Switched(harness, location, file, File.ReadAllText(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [new HookProblem($"{file} could not be read to check whether it switches {harness.Product}'s hooks off ({e.Message})", "make the file readable, then run `interlock doctor` again")];
        }
    }

    /// <summary>The switches <paramref name="text"/> (the JSON of <paramref name="file"/>) sets to off.</summary>
    internal static IEnumerable<HookProblem> Switched(Harness harness, HookConfigLocation location, string file, string text)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            return [new HookProblem($"{file} is not valid JSON ({e.Message}), so {harness.Product} may ignore it or refuse to start", $"fix the JSON, then run `interlock doctor` again")];
        }
        using (doc)
        {
            var found = new List<HookProblem>();
            foreach (var sw in location.Switches)
            {
                if (Lookup(doc.RootElement, sw.Setting) is not { } value) continue;
                var off = sw.Kind switch
                {
                    HookSwitchKind.OffWhenTrue => value.ValueKind == JsonValueKind.True,
                    HookSwitchKind.OffWhenFalse => value.ValueKind == JsonValueKind.False,
                    HookSwitchKind.OffWhenListsOurs => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().Any(NamesInterlock),
                    _ => false,
                };
                if (!off) continue;
                var shown = sw.Kind == HookSwitchKind.OffWhenListsOurs ? $"`{sw.Setting}` lists interlock" : $"`{sw.Setting}: {(value.ValueKind == JsonValueKind.True ? "true" : "false")}`";
                var what = sw.Kind == HookSwitchKind.OffWhenListsOurs ? "Interlock's hook" : sw.Setting == "allowManagedHooksOnly" ? "every hook but the managed ones (Interlock's included)" : "every hook (Interlock's included)";
                var fix = sw.Kind == HookSwitchKind.OffWhenListsOurs ? $"remove interlock from `{sw.Setting}` in {file}" : $"remove `{sw.Setting}` from {file} (or set it to {(sw.Kind == HookSwitchKind.OffWhenTrue ? "false" : "true")})";
                found.Add(new HookProblem($"hook disabled: {shown} in {file}, so {harness.Product} skips {what}", fix));
            }
            return found;
        }
    }

    private static IEnumerable<string> Files(HookConfigLocation location, InstallEnvironment env)
    {
        var rel = string.Join('/', location.Fixed);
        switch (location.Anchor)
        {
            case HookConfigAnchor.Anywhere:
                yield return Path.Combine(env.Home, rel);
                yield return Path.Combine(env.Project, rel);
                break;
            case HookConfigAnchor.Home:
                yield return Path.Combine(env.Home, rel);
                break;
            case HookConfigAnchor.System:
                yield return rel.StartsWith('/') ? rel : "/" + rel;
                break;
            case HookConfigAnchor.Variable when env.Variable(location.Variable!) is { } v && v.StartsWith('/'):
                yield return rel.Length == 0 ? v : Path.Combine(v, rel);
                break;
        }
    }

    private static JsonElement? Lookup(JsonElement root, string dotted)
    {
        var e = root;
        foreach (var part in dotted.Split('.'))
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(part, out var next)) return null;
            e = next;
        }
        return e;
    }

    private static bool NamesInterlock(JsonElement item) =>
        item.ValueKind == JsonValueKind.String && item.GetString() is { } s && s.Contains("interlock", StringComparison.OrdinalIgnoreCase);
}
