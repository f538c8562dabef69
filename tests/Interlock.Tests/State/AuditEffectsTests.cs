using System.Text.Json;
using Interlock.Core;
using Interlock.State;
using Xunit;

namespace Interlock.Tests.State;

/// <summary>The effects as the audit trail and approval requests record them carry where their environment came from.</summary>
public sealed class AuditEffectsTests
{
    [Fact]
    public void An_effect_records_its_environment_and_the_evidence_for_it()
    {
        var d = TestWorld.Check("kubectl --context prod-eu delete deploy api");
        using var doc = JsonDocument.Parse(AuditEffects.Json(d.Effects));
        var effect = doc.RootElement[0];
        Assert.Equal("production", effect.GetProperty("environment").GetString());
        Assert.Contains("prod-eu", effect.GetProperty("environmentEvidence").GetString());

        using var local = JsonDocument.Parse(AuditEffects.Json(TestWorld.Check("rm -rf src").Effects));
        Assert.False(local.RootElement[0].TryGetProperty("environmentEvidence", out _));
    }
}
