using Interlock.Core.Environments;
using Xunit;

namespace Interlock.Tests.Environments;

public sealed class MiniYamlTests
{
    [Fact]
    public void Indented_sequences_quoted_scalars_and_comments_are_read()
    {
        var doc = MiniYaml.ParseMapping("""
            # written by another tool
            apiVersion: v1
            contexts:
              - name: "prod-eu"   # quoted
                context:
                  cluster: 'eu-1'
                  namespace: "pay#ments"
              - name: dev
                context: {cluster: dev}
            "current-context": prod-eu
            """);
        Assert.NotNull(doc);
        Assert.Equal("prod-eu", MiniYaml.Get(doc, "current-context"));
        var ctx = MiniYaml.Named(doc!, "contexts", "prod-eu");
        Assert.NotNull(ctx);
        Assert.Equal("eu-1", MiniYaml.Get(ctx, "context", "cluster"));
        Assert.Equal("pay#ments", MiniYaml.Get(ctx, "context", "namespace"));
        // Flow collections are not understood: the value is raw text, never a mapping.
        Assert.Null(MiniYaml.Get(MiniYaml.Named(doc!, "contexts", "dev"), "context", "cluster"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("- just\n- a list\n")]
    [InlineData("{not json")]
    [InlineData("key:\n\t- tabbed\n")]
    public void What_is_not_a_mapping_reads_as_nothing(string text) => Assert.Null(MiniYaml.ParseMapping(text));

    [Fact]
    public void Deep_nesting_is_bounded()
    {
        var text = string.Concat(Enumerable.Range(0, 200).Select(i => new string(' ', i * 2) + "k" + i + ":\n")) + new string(' ', 400) + "leaf: x\n";
        Assert.NotNull(MiniYaml.ParseMapping(text));
    }

    [Fact]
    public void Dotenv_values_are_read_with_quotes_export_and_comments()
    {
        const string text = "# comment\nexport A=1\nB=\"two words\" # note\nC='x#y'\nD=plain # trailing\nDD=no\n";
        Assert.Equal("1", DatabaseTargets.DotEnvValue(text, "A"));
        Assert.Equal("two words", DatabaseTargets.DotEnvValue(text, "B"));
        Assert.Equal("x#y", DatabaseTargets.DotEnvValue(text, "C"));
        Assert.Equal("plain", DatabaseTargets.DotEnvValue(text, "D"));
        Assert.Null(DatabaseTargets.DotEnvValue(text, "E"));
    }
}
