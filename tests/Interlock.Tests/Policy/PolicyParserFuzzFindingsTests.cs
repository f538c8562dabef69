using System.Text;
using Interlock.Core.Policy;
using Interlock.Policy;
using Xunit;

namespace Interlock.Tests.Policy;

/// <summary>Policy files that made the YAML library throw something other than its YamlException (found by the
/// policy-loader fuzz target, docs/robustness.md): each must load as a file with a "not valid YAML" error at a
/// position, which the hook turns into a stop naming file:line:column, never an exception.</summary>
public sealed class PolicyParserFuzzFindingsTests
{
    private static readonly PolicyLayer[] Layers = [PolicyLayer.System, PolicyLayer.User, PolicyLayer.Project];

    // The fuzzer's inputs as found: the first byte chose the layer, the rest (base64 here) is the file's text.
    public static readonly IEnumerable<object[]> Findings =
    [
        new object[] { 0, "dmVyc4lvbjogMQpzZXR0aW5nczoKICBlZGl0X3RocmVzaG9sZHM6IHsgbWluX2xpbmUzLCByZW1vdmVkX2ZyYWN0aW9uOkJCQkJCQkJCQkJCQkJCQkJCQkLCQkJCQmcgWyJ+Ly5zc2gvKioiXQogIGZhaWxfY2xvc2pkOiBkZW55Cg==" },
        new object[] { 1, "dmVyc2lvbjogMQpzZXR0aW5nczoKICBlZDBpdF90aHJlc2hvbGRzOiB7IG1pbl9saW5lczogMywgcmVtb3ZlZF9mcmFjdGlvYXRoczogWyJ+Ly5zc2gvKioiXQogIGZhaWxfY2xvc2VkOiBkZW55Cg==" },
        new object[] { 1, "dmVyc2lvbjogMQpzZXR0aW5nczoKICBlZGl0X3RocmVzaG9sZHM6IHsgbWluX2xpbmVzOiB7IG1pNSB9CiAgcHJvdGUqIl0KICBmYWlsX3M6IDMsIHJlBf//BWRfZnJhY3Rpb246IDAuNSB9CiAgcHJvdGVjdGVkX3BhdGhzOiBbIn4vLnNzaC8qKiJdCiAgZmFpbF9jbG9zZWUtdHJlZTogeyB2ZXJkaWN0OiBkZW5BLCBtZDogZGVueQo=" },
        new object[] { 1, "dmVyc2lvbjogMQpzZXR0aW5nczoKICBlZGl0X3RocmVzaG9sZHM6IHsgbWkgcHJvdGVjdGVkX29hdGhzOiBbIn4vLnNzaC8qKiJdb3RlY3RlZF9wYXRoczogWyJ+Ly5zc2gvKioiXQogIGZhaWxfY2xvamVkOiAgAAAACg==" },
        new object[] { 1, "dmVyc2lvbjogMQpzZXR0aW5nczoKICByZWdlbmVyYWJsZV9uYW1lczoKICAgIGFkZDogW2dlbmVkLCBybV0KICBidWRnZXRzOgogICAgd2luZG93OiAzMG0KICAgIGZpbGVzX2RlbGV0ZWQ6IDIwMAogICAgbGluZXNfcmVtb3ZlZDogMTAwMDAKb3ZlcnJpZGVzOgogIGdpdC5zdGFzaC1kcm9wOgogICAgOiBhbGxvdwogICMgQWVzLgogIGZzLmRlbGV0ZS1vdXRzaWRlLXByb2plY3Q6CiAgICB2ZXJkaWN0OiBhbGxvdwogICAgbWF0Y2g6CiAgICAgIHBhdGg6IH4vc2NyLyoqCnJ1bGVzOgogIC0gaWQ6IG1lLm5vLWZvcmNlLXB1c2gtbWFpbgogICAgbWF0Y2g6CiAgICAgIGVmZmVjdDogZm9yY2UtcHVzaC1yZW1vdGUKICAgICAgdGFyZ2V0OiBbbWFpbix0ZXJdCiAgICB2ZXJkaWN0OiBkZW55CiAgICBtZXNzYWdlOiBedAogICAgYWx0ZXJ0ZXN0czoKICAtIGNvbW1hbmQ6IGdpdCBzdGFzaCBkcm9wCiAgICBleHBlY3Q6IGFsbG93CiAgLSBjb21tYW5kOiBzbSAtcmYgfi9leHBlcmltZW50CiAgICBleHBlY3Q6IGFsbG93CiAgLSBjb21tYW5kOiBybSAtcmYgfi9ub3RlcwogICAgZXhwZWN0OiBhc2sKICAtIGNvbW1hbmQ6IGdpdCBwdXNoIC0tZm9yY2Ugb24gbWFpbgogICAgZXhwZWN0OiBkZW55CiAgICBydWxlOiBtZWFpbgogIC0gY29tbWFuZDogcm0gLXJmIH4KICAgIGV4cGVjdDogZGVueQo=" },
    ];

    [Theory]
    [MemberData(nameof(Findings))]
    public void Malformed_yaml_that_broke_the_yaml_reader_is_an_error_with_a_position(int layer, string base64)
    {
        var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        var file = PolicyParser.Parse(text, "/p/policy.yaml", Layers[layer % Layers.Length]);
        var error = Assert.Single(file.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains("not valid YAML", error.Message);
        Assert.True(error.Location.Line >= 1, error.ToString());
    }

    [Fact]
    public void The_reported_position_is_where_the_reader_stopped_not_the_start_of_the_file()
    {
        var text = Encoding.UTF8.GetString(Convert.FromBase64String((string)Findings.First()[1]));
        var error = Assert.Single(PolicyParser.Parse(text, "/p/policy.yaml", PolicyLayer.User).Diagnostics);
        Assert.True(error.Location.Line > 1, error.ToString());
    }
}
