using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

/// <summary>Tools that run shell commands named in their own arguments: awk, sed, tar, editors, make, git aliases.</summary>
public sealed class EmbeddedCommandsTests
{
    [Theory]
    // awk
    [InlineData("awk 'BEGIN{system(\"rm -rf ~\")}'")]
    [InlineData("gawk 'BEGIN { system(\"r\" \"m -rf /\") }'")]
    [InlineData("awk 'BEGIN{\"rm -rf ~\" | getline}'")]
    [InlineData("awk '{ print | \"rm -rf /\" }' README.md")]
    // sed
    [InlineData("sed 'e rm -rf ~' README.md")]
    [InlineData("sed -e '1e rm -rf /' README.md")]
    [InlineData("sed --expression='$!N; e rm -rf ~' README.md")]
    // tar
    [InlineData("tar -cf /dev/null . --checkpoint=1 --checkpoint-action=exec='rm -rf ~'")]
    [InlineData("tar --checkpoint-action 'exec=rm -rf /' -cf x.tar src")]
    [InlineData("tar -cf a.tar --use-compress-program='rm -rf ~' .")]
    [InlineData("tar -xf a.tar --to-command='rm -rf ~'")]
    // editors
    [InlineData("vim -c ':!rm -rf ~' -c q")]
    [InlineData("vi +'!rm -rf /'")]
    [InlineData("nvim --cmd 'silent !rm -rf ~'")]
    [InlineData("ex -c 'r !rm -rf /' -c q")]
    [InlineData("vim -c '%!rm -rf ~' README.md")]
    // make
    [InlineData("make -f - <<< $'x:\\n\\trm -rf ~'")]
    [InlineData("printf 'x:\\n\\t@rm -rf /\\n' | make -f -")]
    [InlineData("make --eval=$'x:\\n\\trm -rf ~' x")]
    // git
    [InlineData("git -c alias.x='!rm -rf ~' x")]
    [InlineData("git -c 'alias.c=!sh -c \"rm -rf /\"' c")]
    [InlineData("git -c alias.p='push --force origin main' p")]
    [InlineData("git -c core.pager='rm -rf ~' log")]
    [InlineData("git -c core.sshCommand='rm -rf /' fetch")]
    [InlineData("GIT_SSH_COMMAND='rm -rf ~' git fetch")]
    // python pty.spawn / os.spawnvp run an argv
    [InlineData("python3 -c \"import pty; pty.spawn(['sh','-c','rm -rf ~'])\"")]
    [InlineData("python3 -c \"import os; os.spawnvp(os.P_WAIT, 'rm', ['rm','-rf','/'])\"")]
    public void A_visible_destructive_command_is_stopped_with_its_effect(string command)
    {
        var d = TestWorld.Check(command);
        Assert.True(d.Verdict != Verdict.Allow, $"{d.Verdict}: {d.Reason}");
        Assert.Contains(d.Effects, e => e.Kind is EffectKind.DeletePath or EffectKind.ForcePushRemote);
    }

    [Theory]
    [InlineData("awk '{system($0)}' README.md")]
    [InlineData("awk -f /tmp/x.awk README.md")]
    [InlineData("awk 'BEGIN{print \"rm -rf /\" | \"sh\"}'")]
    [InlineData("awk '{print > $1}' README.md")]
    [InlineData("sed 's/.*/&/e' README.md")]
    [InlineData("sed 'e' README.md")]
    [InlineData("sed -f /tmp/s.sed README.md")]
    [InlineData("tar -xf a.tar --to-command=sh")]
    [InlineData("vim -S /tmp/evil.vim")]
    [InlineData("vim -c 'call system(\"rm -rf ~\")'")]
    [InlineData("nvim -c 'lua os.execute(\"x\")'")]
    [InlineData("emacs --batch --eval '(shell-command \"rm -rf ~\")'")]
    [InlineData("make -f - < /tmp/mk")]
    [InlineData("make SHELL=/tmp/x")]
    [InlineData("git config alias.x '!rm -rf ~'")]
    [InlineData("lua -e 'os.execute(\"rm -rf ~\")'")]
    [InlineData("Rscript -e 'system(\"rm -rf ~\")'")]
    [InlineData("pwsh -c 'Remove-Item -Recurse -Force ~'")]
    [InlineData("pwsh -EncodedCommand cgBtAA==")]
    [InlineData("tclsh <<< 'exec rm -rf /'")]
    [InlineData("osascript -e 'do shell script \"rm -rf ~\"'")]
    [InlineData("git config --global alias.up 'push --force origin main'")]
    [InlineData("git config core.pager 'less; rm -rf ~'")]
    [InlineData("git -c core.hooksPath=/tmp/h commit -m x")]
    public void A_hidden_command_is_asked_about(string command)
    {
        var d = TestWorld.Check(command);
        Assert.True(d.Verdict != Verdict.Allow, $"{d.Verdict}: {d.Reason}");
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.Indeterminate);
    }

    [Theory]
    [InlineData("sed -n 'w /etc/passwd' README.md", "/etc/passwd")]
    [InlineData("sed 's/a/b/w /etc/hosts' README.md", "/etc/hosts")]
    [InlineData("awk 'BEGIN{print \"x\" > \"/etc/passwd\"}'", "/etc/passwd")]
    [InlineData("vim -c 'w! /etc/passwd' -c q README.md", "/etc/passwd")]
    public void Writing_a_system_file_is_stopped(string command, string target)
    {
        var d = TestWorld.Check(command);
        Assert.NotEqual(Verdict.Allow, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.OverwriteFile && e.Target == target);
    }

    [Theory]
    [InlineData("awk '{print $1}' README.md")]
    [InlineData("awk -F, '$1 > 5 {print $2}' README.md")]
    [InlineData("awk 'NR==1 || /x/ {print}' README.md")]
    [InlineData("awk '{print > \"out.txt\"}' README.md")]
    [InlineData("awk 'BEGIN{system(\"ls -la\")}'")]
    [InlineData("sed -n '1,5p' README.md")]
    [InlineData("sed 's/foo/bar/g' README.md")]
    [InlineData("sed -e 's/e/E/' -e 'y/abc/xyz/' README.md")]
    [InlineData("sed 's/x/y/w out.txt' README.md")]
    [InlineData("sed '1e date' README.md")]
    [InlineData("tar -czf out.tar.gz src")]
    [InlineData("tar -xzf a.tar.gz -C build")]
    [InlineData("tar -cf a.tar -I zstd src")]
    [InlineData("vim +10 README.md")]
    [InlineData("vim +/pattern README.md")]
    [InlineData("vim -c 'set nu' -c 'wq' README.md")]
    [InlineData("vim -c '!ls' README.md")]
    [InlineData("make test")]
    [InlineData("lua -e 'print(1)'")]
    [InlineData("Rscript -e 'summary(cars)'")]
    [InlineData("pwsh -c 'Get-ChildItem'")]
    [InlineData("make -f Makefile build")]
    [InlineData("git -c user.name=x commit -m msg")]
    [InlineData("git -c core.pager=less log")]
    [InlineData("git -c alias.st=status st")]
    [InlineData("git config user.email dev@example.com")]
    [InlineData("git config alias.st status")]
    public void Ordinary_uses_are_allowed(string command)
    {
        var d = TestWorld.Check(command);
        Assert.True(d.Verdict == Verdict.Allow, $"{d.Verdict}: {d.Reason}");
    }
}
