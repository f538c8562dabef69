using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Analysis;

/// <summary>Shell forms found by the adversarial corpus that used to be allowed.</summary>
public sealed class AdversarialShellFormsTests
{
    [Theory]
    [InlineData("trap 'rm -rf ~' EXIT")]
    [InlineData("cleanup() { rm -rf $HOME; }; trap cleanup EXIT")]
    [InlineData("busybox rm -rf /")]
    [InlineData("chroot / rm -rf /")]
    [InlineData("flock /tmp/l rm -rf /")]
    [InlineData("flock /tmp/l -c 'rm -rf ~'")]
    [InlineData("strace -f -o /tmp/t rm -rf /")]
    [InlineData("script -c 'rm -rf ~' /dev/null")]
    [InlineData("runuser -u dev -- rm -rf ~")]
    [InlineData("coproc rm -rf /")]
    [InlineData("source /dev/stdin <<< 'rm -rf /'")]
    [InlineData("env --split-string='rm -rf /'")]
    [InlineData("IFS=,; x=rm,-rf,/; $x")]
    [InlineData("h=`echo ~`; rm -rf $h")]
    public void A_hidden_rm_of_root_or_home_is_denied(string command)
    {
        var d = TestWorld.Check(command);
        Assert.True(d.Verdict == Verdict.Deny, $"{d.Verdict}: {d.Reason}");
    }

    [Theory]
    [InlineData("{rm,-rf,$HOME}")]
    [InlineData("parallel rm -rf ::: / ~")]
    [InlineData("tee >(sh) <<< 'rm -rf /'")]
    [InlineData("source - < /tmp/x")]
    public void A_form_whose_commands_cannot_be_known_is_stopped(string command)
    {
        var d = TestWorld.Check(command);
        Assert.True(d.Verdict != Verdict.Allow, $"{d.Verdict}: {d.Reason}");
    }

    [Theory]
    [InlineData("trap - EXIT")]
    [InlineData("trap 'echo done' EXIT")]
    [InlineData("busybox ls -la")]
    [InlineData("flock /tmp/l make test")]
    [InlineData("echo {a,b}.txt")]
    [InlineData("IFS=,; x=a,b; echo $x")]
    [InlineData("tee >(grep x) < README.md")]
    public void Ordinary_forms_are_allowed(string command)
    {
        var d = TestWorld.Check(command);
        Assert.True(d.Verdict == Verdict.Allow, $"{d.Verdict}: {d.Reason}");
    }
}
