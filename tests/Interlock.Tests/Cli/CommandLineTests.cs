using System.Diagnostics;
using Interlock.Cli.CommandLine;
using Interlock.Tests.Hooks;
using Xunit;

namespace Interlock.Tests.Cli;

/// <summary>--help, the completions and the man page come from one table; colour honours NO_COLOR.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void Main_help_lists_every_command_of_the_table_with_its_usage()
    {
        var help = Generators.MainHelp();
        foreach (var c in CommandTable.All)
            foreach (var usage in c.Usage)
                Assert.Contains(usage.StartsWith("sudo ", StringComparison.Ordinal) ? usage : "interlock " + usage, help);
        Assert.All(help.Split('\n'), line => Assert.True(line.Length <= 116, $"too long: {line}"));
    }

    [Fact]
    public void Every_command_in_the_table_is_one_the_program_runs()
    {
        foreach (var c in CommandTable.All.Where(c => c.Name != "version"))
        {
            var (_, stderr, exit) = HookProcessTests.Interlock("", null, c.Name, "--help");
            Assert.DoesNotContain("unknown command", stderr);
            Assert.NotEqual(70, exit);
        }
        var (version, _, _) = HookProcessTests.Interlock("", null, "--version");
        Assert.StartsWith("interlock ", version);
    }

    [Fact]
    public void Bash_completion_offers_commands_then_each_commands_operands_and_options()
    {
        if (!File.Exists("/bin/bash")) return;
        string Complete(params string[] words)
        {
            var script = Generators.Bash() + "\nCOMP_WORDS=(" + string.Join(' ', words.Select(w => "'" + w + "'")) + $"); COMP_CWORD={words.Length - 1}; _interlock; printf '%s\\n' \"${{COMPREPLY[@]}}\"\n";
            var psi = new ProcessStartInfo("/bin/bash", ["--norc", "-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.Equal("", p.StandardError.ReadToEnd());
            return output;
        }
        var commands = Complete("interlock", "");
        foreach (var c in CommandTable.All.Where(c => c.Name != "version")) Assert.Contains(c.Name + "\n", commands);
        Assert.Equal("claude-code\ncodex\ncopilot\ncursor\n", string.Concat(Complete("interlock", "install", "c").Split('\n').Where(l => l.Length > 0).Order().Select(l => l + "\n")));
        Assert.Contains("--project\n", Complete("interlock", "install", "claude-code", "--p"));
        Assert.Equal("zsh\n", Complete("interlock", "completions", "z"));
        Assert.Contains("verify\n", Complete("interlock", "audit", "v"));
    }

    [Fact]
    public void Zsh_and_fish_completions_name_every_command()
    {
        var zsh = Generators.Zsh();
        var fish = Generators.Fish();
        Assert.StartsWith("#compdef interlock\n", zsh);
        foreach (var c in CommandTable.All.Where(c => c.Name != "version"))
        {
            Assert.Contains($"'{c.Name}:", zsh);
            Assert.Contains($" -a {c.Name} -d ", fish);
        }
        Assert.Contains("-a 'claude-code codex gemini cursor copilot kiro amazon-q opencode'", fish);
    }

    [Fact]
    public void Man_page_has_every_command_the_environment_and_escapes_roff()
    {
        var man = Generators.Man();
        Assert.StartsWith(".TH INTERLOCK 1 ", man);
        foreach (var c in CommandTable.All) Assert.Contains("\\fB" + (c.Usage[0].StartsWith("sudo ") ? "" : "interlock ") + c.Usage[0].Replace("-", "\\-"), man);
        foreach (var (name, _) in CommandTable.Environment) Assert.Contains(".B " + name, man);
        // No line starts with a dot or quote that roff would take as a request, except the requests themselves.
        Assert.All(man.Split('\n').Where(l => l.StartsWith('\'')), l => Assert.Fail($"stray request: {l}"));
    }

    [Theory]
    [InlineData(null, null, false, true)]
    [InlineData("1", null, false, false)]
    [InlineData("", null, false, true)]     // NO_COLOR set but empty does not count (no-color.org)
    [InlineData(null, "dumb", false, false)]
    [InlineData(null, "xterm", true, false)] // a pipe or file
    public void Colour_only_on_a_terminal_and_never_with_NO_COLOR(string? noColor, string? term, bool redirected, bool expected)
    {
        var env = new Dictionary<string, string?> { ["NO_COLOR"] = noColor, ["TERM"] = term };
        Assert.Equal(expected, Colour.Enabled(n => env.GetValueOrDefault(n), redirected));
    }

    [Fact]
    public void Colour_marks_verdicts_problems_and_fixes_and_nothing_when_off()
    {
        Assert.Equal("deny", Colour.Verdict("deny", on: false));
        Assert.Equal("\u001b[1m\u001b[31mdeny\u001b[0m", Colour.Verdict("deny", on: true));
        Assert.Equal("  hook:    \u001b[31m\u001b[1mPROBLEM\u001b[0m not registered", Colour.DoctorLine("  hook:    PROBLEM not registered"));
        Assert.Equal("           \u001b[1mfix: interlock install codex --user\u001b[0m", Colour.DoctorLine("           fix: interlock install codex --user"));
        Assert.Equal("policy:  valid", Colour.DoctorLine("policy:  valid"));
    }

    [Fact]
    public void Check_prints_no_colour_codes_into_a_pipe()
    {
        var (stdout, _, exit) = HookProcessTests.Interlock("", new Dictionary<string, string> { ["TERM"] = "xterm-256color" }, "check", "rm -rf ~");
        Assert.Equal(2, exit);
        Assert.StartsWith("deny\n", stdout);
    }
}
