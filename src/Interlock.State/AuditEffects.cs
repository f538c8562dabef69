using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Interlock.Core;

namespace Interlock.State;

/// <summary>The effects of a decision as the audit trail and approval requests record them (one format for the
/// hook and the server).</summary>
public static class AuditEffects
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The effects, each with the rule that decided it and, in shadow mode, the shadow rule that would have.</summary>
    public static string Json(IReadOnlyList<Effect> effects, IReadOnlyList<Interlock.Core.Policy.RuleMatch>? matches = null)
    {
        if (effects.Count == 0) return "[]";
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartArray();
            for (var i = 0; i < effects.Count; i++)
            {
                var e = effects[i];
                w.WriteStartObject();
                w.WriteString("kind", e.Kind.ToString());
                w.WriteString("target", e.Target);
                w.WriteString("class", e.Class.ToString());
                w.WriteBoolean("recursive", e.Recursive);
                w.WriteString("environment", e.Environment.ToString().ToLowerInvariant());
                // Where the environment came from (a kube context read from ~/.kube/config, a declaration in the policy).
                if (e.EnvironmentEvidence is not null) w.WriteString("environmentEvidence", e.EnvironmentEvidence);
                w.WriteString("description", e.Description);
                if (matches is not null)
                    foreach (var m in matches)
                    {
                        if (m.Effect != i || !m.Won) continue;
                        var shadow = m.Mode == Interlock.Core.Policy.RuleMode.Shadow;
                        w.WriteString(shadow ? "shadowRule" : "rule", m.RuleId);
                        w.WriteString(shadow ? "shadowVerdict" : "verdict", m.Verdict.ToString().ToLowerInvariant());
                    }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
