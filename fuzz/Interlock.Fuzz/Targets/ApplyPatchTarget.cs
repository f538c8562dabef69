using System.Text;
using Interlock.Core;
using Interlock.Core.Analysis;

namespace Interlock.Fuzz.Targets;

/// <summary>The apply_patch parser (Codex's patch format, also OpenCode's patch tool) on arbitrary text:
/// <see cref="ApplyPatch.Parse"/> must return files or an error, never throw; its files must become file actions, and
/// their hunks must apply (or be reported as not applying) to a fixed text; the engine must decide the resulting
/// file actions without an internal error.</summary>
public sealed class ApplyPatchTarget : IFuzzTarget
{
    private const string Cwd = "/home/dev/project";
    private const string Base = "import os\n\ndef f1():\n    return 1\n\ndef f2():\n    return 2\n";

    public string Name => "apply-patch";
    public string Description => "ApplyPatch.Parse on the input, then ToFileActions, ApplyHunks on a fixed text, and the engine on the actions";

    public IEnumerable<string> Seeds(SeedSources sources) =>
    [
        "*** Begin Patch\n*** Add File: src/new.py\n+print('hi')\n*** End Patch\n",
        "*** Begin Patch\n*** Delete File: src/app.py\n*** End Patch",
        "*** Begin Patch\n*** Update File: src/app.py\n*** Move to: src/main.py\n@@ def f1():\n-    return 1\n+    return 3\n*** End of File\n*** End Patch\n",
        "apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: a.py\n@@\n def f2():\n-    return 2\n+    pass\n*** End Patch\nEOF\n",
        "*** Begin Patch\r\n*** Update File: x\r\n@@ a\r\n@@ b\r\n+c\r\n*** End Patch\r\n",
        "*** Begin Patch\n*** Add File: ../../etc/passwd\n+x\n*** Delete File: /home/dev/.ssh/id_rsa\n*** Update File: .interlock/policy.yaml\n-a\n*** End Patch",
    ];

    public void Run(byte[] input)
    {
        var parse = ApplyPatch.Parse(Encoding.UTF8.GetString(input));
        if (parse.Error is not null)
        {
            if (parse.Error.Length == 0) throw new FuzzFinding("an empty parse error");
            return;
        }
        var actions = ApplyPatch.ToFileActions(parse.Files);
        foreach (var f in parse.Files)
            if (f.Operation == PatchOperation.Update) ApplyPatch.ApplyHunks(Base, f.Hunks);
        // As the Codex and OpenCode adapters build it (ToolRequests.Patch): one request carrying every file action.
        EngineTarget.Check(EngineTarget.Engine.Evaluate(new ActionRequest("apply_patch", null, Cwd) { Files = actions }, new FuzzWorld()));
    }
}
