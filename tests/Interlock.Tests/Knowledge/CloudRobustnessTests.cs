using Interlock.Core;
using Interlock.Tests.Corpus;
using Xunit;

namespace Interlock.Tests.Knowledge;

/// <summary>Odd arguments (cut-off commands, options without values, computed words) never make the cloud knowledge throw:
/// the engine would turn the exception into a deny, a false alarm.</summary>
public sealed class CloudRobustnessTests
{
    [Fact]
    public void Every_prefix_of_every_corpus_command_is_analysed_without_error()
    {
        var failures = new List<string>();
        foreach (var row in LabeledCorpusTests.Load("iac-cloud.jsonl"))
        {
            if (row.Command.Contains('\n') || row.Command.Contains('\'') || row.Command.Contains('"')) continue;
            var words = row.Command.Split(' ');
            for (var n = 1; n <= words.Length; n++)
            {
                var prefix = string.Join(' ', words.Take(n));
                foreach (var variant in new[] { prefix, prefix + " --", prefix + " -", prefix + " $X", prefix + " =", prefix + " --profile" })
                {
                    var d = TestWorld.Check(variant);
                    if (d.RuleId == "internal-error") failures.Add($"{variant}: {d.Reason}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
    }

    [Theory]
    [InlineData("terraform -chdir=")]
    [InlineData("terraform workspace delete")]
    [InlineData("terraform state")]
    [InlineData("terragrunt run-all")]
    [InlineData("pulumi stack rm")]
    [InlineData("pulumi state delete")]
    [InlineData("cdk destroy --profile")]
    [InlineData("sam delete --stack-name")]
    [InlineData("sls remove --stage")]
    [InlineData("eksctl delete")]
    [InlineData("ansible")]
    [InlineData("ansible all -m")]
    [InlineData("ansible all -m file -a")]
    [InlineData("ansible all -m file -a state=absent")]
    [InlineData("ansible-playbook -i")]
    [InlineData("aws s3")]
    [InlineData("aws s3 rm")]
    [InlineData("aws s3 sync --delete")]
    [InlineData("aws s3api delete-object")]
    [InlineData("aws --profile")]
    [InlineData("gcloud compute ssh")]
    [InlineData("gcloud compute ssh vm --command")]
    [InlineData("gcloud storage rm")]
    [InlineData("gsutil -m")]
    [InlineData("gsutil rsync -d")]
    [InlineData("az")]
    [InlineData("az rest --method")]
    [InlineData("az storage blob delete-batch")]
    public void Truncated_commands_never_error(string command)
    {
        var d = TestWorld.Check(command);
        Assert.NotEqual("internal-error", d.RuleId);
    }
}
