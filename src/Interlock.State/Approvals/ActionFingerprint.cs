using System.Text;
using Interlock.Core;

namespace Interlock.State.Approvals;

/// <summary>
/// The identity of an exact action, which grants are bound to: SHA-256 over the tool, the command (or the file
/// edit: path, kind and full new content/edits, or the tool's arguments), the working directory, the repository and
/// the environment. Any difference (another workspace, another path, one more flag) is another action. Commands are
/// compared exactly, not normalised: two spellings that mean the same are two requests, which is the safe mistake.
/// </summary>
public static class ActionFingerprint
{
    public static string Compute(ActionRequest request, string? repository, string environment)
    {
        var sb = new StringBuilder(256);
        Field(sb, "v1");
        Field(sb, request.Tool);
        Field(sb, request.Cwd);
        Field(sb, repository ?? "");
        Field(sb, environment);
        Field(sb, request.Command ?? "");
        if (request.File is { } f)
        {
            Field(sb, f.Kind.ToString());
            Field(sb, f.Path);
            Field(sb, f.Content ?? "");
            foreach (var e in f.Edits)
            {
                Field(sb, e.OldString);
                Field(sb, e.NewString);
                Field(sb, e.ReplaceAll ? "all" : "one");
            }
            if (f.Notebook is { } n)
            {
                Field(sb, n.CellId ?? "");
                Field(sb, n.Mode.ToString());
                Field(sb, n.CellType ?? "");
                Field(sb, n.NewSource);
            }
        }
        Field(sb, request.ToolArguments ?? "");
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        Span<byte> hash = stackalloc byte[Sha256.HashSizeInBytes];
        Sha256.HashData(bytes, hash);
        return Convert.ToHexStringLower(hash);
    }

    // Length-prefixed, so no two field lists produce the same text.
    private static void Field(StringBuilder sb, string value) => sb.Append(value.Length).Append(':').Append(value).Append('\n');
}
