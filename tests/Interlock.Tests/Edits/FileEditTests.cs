using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Edits;

/// <summary>Shared set-up: a test world with files whose contents the engine can read.</summary>
internal static class Edit
{
    public const string P = TestWorld.Project;

    public static string Lines(int n, string prefix = "line") =>
        string.Concat(Enumerable.Range(1, n).Select(i => $"    {prefix}_{i} = compute({i}, \"value {i}\")\n"));

    public static TestWorld World(params (string Path, string Content)[] files)
    {
        var world = new TestWorld(extraFiles: files.Select(f => f.Path));
        foreach (var (path, content) in files) world.Contents[path] = content;
        return world;
    }

    public static Decision Check(FileAction action, TestWorld world, EngineOptions? options = null, string cwd = P) =>
        new Engine(options).Evaluate(new ActionRequest(action.Kind.ToString(), null, cwd) { File = action }, world);

    public static Decision Write(string path, string content, TestWorld world) =>
        Check(new FileAction(FileToolKind.Write, path) { Content = content }, world);

    public static Decision Replace(string path, string oldString, string newString, TestWorld world, bool all = false) =>
        Check(new FileAction(FileToolKind.Edit, path) { Edits = [new TextEdit(oldString, newString, all)] }, world);

    public static Decision Read(string path, TestWorld? world = null) =>
        Check(new FileAction(FileToolKind.Read, path), world ?? new TestWorld());
}

public sealed class FileEditTests
{
    private const string P = Edit.P;

    [Fact]
    public void Writing_an_empty_file_over_content_asks()
    {
        var world = Edit.World(($"{P}/src/config.py", Edit.Lines(12)));
        var d = Edit.Write($"{P}/src/config.py", "", world);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("edit.empty-file", d.RuleId);
        Assert.Contains("empties src/config.py (12 lines of content)", d.Reason);
        Assert.Equal("emptied", d.Effects.Single().Detail);
    }

    [Fact]
    public void An_edit_that_deletes_ninety_percent_asks_with_the_numbers()
    {
        var text = Edit.Lines(100);
        var world = Edit.World(($"{P}/src/big.py", text));
        var first90 = Edit.Lines(90);
        var d = Edit.Replace($"{P}/src/big.py", first90, "", world);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("edit.remove-most", d.RuleId);
        Assert.Contains("`Edit` removes 90 of 100 lines of src/big.py (10 lines after)", d.Reason);
        Assert.Contains("Instead: Edit the parts that need changing", d.Reason + " Instead: " + d.Alternative);
    }

    [Fact]
    public void A_write_replacing_a_400_line_file_with_a_stub_asks()
    {
        var world = Edit.World(($"{P}/src/app_main.py", Edit.Lines(400)));
        var d = Edit.Write($"{P}/src/app_main.py", "def main():\n    pass  # TODO: implement\n", world);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("edit.replace-file", d.RuleId);
        Assert.Contains("replaces 400 of 400 lines of src/app_main.py with unrelated content (2 lines after, 0 kept)", d.Reason);
    }

    [Fact]
    public void A_write_with_unrelated_content_of_the_same_size_asks()
    {
        var world = Edit.World(($"{P}/src/m.py", Edit.Lines(60)));
        var unrelated = string.Concat(Enumerable.Range(1, 60).Select(i => $"export const Widget{i} = () => <div key={{{i}}}>{{props.items}}</div>;\n"));
        var d = Edit.Write($"{P}/src/m.py", unrelated, world);
        Assert.Equal("edit.replace-file", d.RuleId);
    }

    [Fact]
    public void A_write_that_keeps_most_lines_is_allowed()
    {
        var old = Edit.Lines(200);
        var world = Edit.World(($"{P}/src/m.py", old));
        // Re-indented, one line changed, twenty lines added: an ordinary rewrite of a file through Write.
        var updated = string.Join('\n', old.Split('\n').Select(l => l.Trim())).Replace("line_7 ", "line_seven ") + Edit.Lines(20, "extra");
        Assert.Equal(Verdict.Allow, Edit.Write($"{P}/src/m.py", updated, world).Verdict);
    }

    [Fact]
    public void Small_files_can_be_rewritten_freely_but_not_emptied()
    {
        var world = Edit.World(($"{P}/src/small.py", Edit.Lines(30)));
        Assert.Equal(Verdict.Allow, Edit.Write($"{P}/src/small.py", "print('hello')\n", world).Verdict);
        Assert.Equal(Verdict.Ask, Edit.Write($"{P}/src/small.py", "\n\n", world).Verdict);
    }

    [Fact]
    public void Creating_a_file_is_allowed()
    {
        var d = Edit.Write($"{P}/src/new_module.py", "", new TestWorld());
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.Empty(d.Effects);
        Assert.Equal(Verdict.Allow, Edit.Write("src/relative_new.py", Edit.Lines(500), new TestWorld()).Verdict);
    }

    [Fact]
    public void Small_edits_are_allowed()
    {
        var world = Edit.World(($"{P}/src/big.py", Edit.Lines(400)));
        Assert.Equal(Verdict.Allow, Edit.Replace($"{P}/src/big.py", "line_7 = compute(7,", "line_7 = compute_fast(7,", world).Verdict);
        // Removing a 30-line block of a 400-line file is ordinary.
        var block = string.Concat(Enumerable.Range(100, 30).Select(i => $"    line_{i} = compute({i}, \"value {i}\")\n"));
        Assert.Equal(Verdict.Allow, Edit.Replace($"{P}/src/big.py", block, "", world).Verdict);
        // replace_all renaming everywhere keeps the structure.
        Assert.Equal(Verdict.Allow, Edit.Replace($"{P}/src/big.py", "compute(", "calculate(", world, all: true).Verdict);
    }

    [Fact]
    public void An_edit_that_would_fail_changes_nothing()
    {
        var world = Edit.World(($"{P}/src/big.py", Edit.Lines(100)));
        Assert.Equal(Verdict.Allow, Edit.Replace($"{P}/src/big.py", "not in the file\n" + Edit.Lines(90), "", world).Verdict);
        // Not unique without replace_all: Claude Code refuses the edit.
        Assert.Equal(Verdict.Allow, Edit.Replace($"{P}/src/big.py", "    line_", "", world).Verdict);
        Assert.Equal(Verdict.Allow, Edit.Replace($"{P}/src/missing.py", "x", "", world).Verdict);
    }

    [Fact]
    public void Replace_all_that_guts_the_file_asks()
    {
        var world = Edit.World(($"{P}/src/big.py", Edit.Lines(100)));
        // Stripping a prefix from every line changes lines in place: not a loss.
        Assert.Equal(Verdict.Allow, Edit.Replace($"{P}/src/big.py", "    line_", "", world, all: true).Verdict);
        // Joining every line into one is.
        var d = Edit.Replace($"{P}/src/big.py", "\n", " ", world, all: true);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("edit.replace-file", d.RuleId);
    }

    [Fact]
    public void MultiEdit_is_judged_on_the_combined_result()
    {
        var text = Edit.Lines(100);
        var world = Edit.World(($"{P}/src/big.py", text));
        var chunks = Enumerable.Range(0, 4).Select(k => string.Concat(Enumerable.Range(k * 20 + 1, 15).Select(i => $"    line_{i} = compute({i}, \"value {i}\")\n"))).ToList();
        var gutting = new FileAction(FileToolKind.MultiEdit, $"{P}/src/big.py") { Edits = chunks.Select(c => new TextEdit(c, "")).ToList() };
        var d = Edit.Check(gutting, world);
        Assert.Equal("edit.remove-most", d.RuleId);
        Assert.Contains("`MultiEdit` removes 60 of 100 lines of src/big.py", d.Reason);

        var light = gutting with { Edits = [new TextEdit(chunks[0], ""), new TextEdit("line_99 =", "last_line =")] };
        Assert.Equal(Verdict.Allow, Edit.Check(light, world).Verdict);

        // One edit that does not apply fails the whole call.
        var failing = gutting with { Edits = [.. gutting.Edits, new TextEdit("no such text", "")] };
        Assert.Equal(Verdict.Allow, Edit.Check(failing, world).Verdict);
    }

    [Fact]
    public void Thresholds_are_configurable()
    {
        var world = Edit.World(($"{P}/src/small.py", Edit.Lines(20)));
        var write = new FileAction(FileToolKind.Write, $"{P}/src/small.py") { Content = "pass\n" };
        Assert.Equal(Verdict.Allow, Edit.Check(write, world).Verdict);
        Assert.Equal(Verdict.Ask, Edit.Check(write, world, new EngineOptions { RewriteMinLines = 10 }).Verdict);
        var world2 = Edit.World(($"{P}/src/big.py", Edit.Lines(100)));
        var cut60 = new FileAction(FileToolKind.Edit, $"{P}/src/big.py") { Edits = [new TextEdit(Edit.Lines(60), "")] };
        Assert.Equal(Verdict.Ask, Edit.Check(cut60, world2).Verdict);
        Assert.Equal(Verdict.Allow, Edit.Check(cut60, world2, new EngineOptions { RewriteRemovedFraction = 0.75 }).Verdict);
    }

    [Fact]
    public void Binary_and_generated_files_overwritten_ask_but_lock_files_do_not()
    {
        var world = Edit.World(
            ($"{P}/assets/logo.png", "\u0089PNG\r\n\u001a\n\0\0\0\rIHDR"),
            ($"{P}/src/api_pb2.py", "# -*- coding: utf-8 -*-\n# Generated by the protocol buffer compiler.  DO NOT EDIT!\n" + Edit.Lines(50)),
            ($"{P}/yarn.lock", Edit.Lines(3000)));
        var png = Edit.Write($"{P}/assets/logo.png", "placeholder", world);
        Assert.Equal("edit.overwrite-binary", png.RuleId);
        Assert.Contains("overwrites the binary file assets/logo.png", png.Reason);
        var generated = Edit.Write($"{P}/src/api_pb2.py", "x = 1\n", world);
        Assert.Equal("edit.overwrite-generated", generated.RuleId);
        Assert.Equal(Verdict.Allow, Edit.Write($"{P}/yarn.lock", "", world).Verdict);
    }

    [Fact]
    public void Existing_files_the_guard_cannot_read_ask_only_for_destructive_looking_edits()
    {
        var world = new TestWorld(); // src/app.py exists but its contents are not readable (as if over 2 MiB)
        var write = Edit.Write($"{P}/src/app.py", "print()\n", world);
        Assert.Equal("edit.unreadable", write.RuleId);
        Assert.Contains("larger than 2 MiB or cannot be read", write.Reason);
        Assert.Equal(Verdict.Allow, Edit.Replace($"{P}/src/app.py", "a = 1", "a = 2", world).Verdict);
        Assert.Equal(Verdict.Ask, Edit.Replace($"{P}/src/app.py", Edit.Lines(45), "", world).Verdict);
    }

    [Fact]
    public void Files_larger_than_the_read_bound_are_not_read()
    {
        var world = Edit.World(($"{P}/src/big.py", Edit.Lines(100)));
        var write = new FileAction(FileToolKind.Write, $"{P}/src/big.py") { Content = Edit.Lines(100) };
        Assert.Equal(Verdict.Allow, Edit.Check(write, world).Verdict);
        Assert.Equal("edit.unreadable", Edit.Check(write, world, new EngineOptions { FileEditMaxBytes = 100 }).RuleId);
    }

    [Fact]
    public void Rewrites_in_temp_and_build_output_are_allowed()
    {
        var world = Edit.World(("/tmp/scratch.py", Edit.Lines(100)), ($"{P}/dist/bundle.js", Edit.Lines(100)));
        Assert.Equal(Verdict.Allow, Edit.Write("/tmp/scratch.py", "", world).Verdict);
        Assert.Equal(Verdict.Allow, Edit.Write($"{P}/dist/bundle.js", "x", world).Verdict);
    }

    [Fact]
    public void Writing_system_files_is_denied()
    {
        var d = Edit.Write("/etc/hosts", "127.0.0.1 localhost\n", new TestWorld());
        Assert.Equal(Verdict.Deny, d.Verdict);
        Assert.Equal("fs.overwrite-system", d.RuleId);
    }
}

public sealed class NotebookEditTests
{
    private const string P = Edit.P;

    private static string Notebook(params (string Id, string Source)[] cells) =>
        "{\"cells\":[" + string.Join(',', cells.Select(c =>
            $"{{\"cell_type\":\"code\",\"id\":\"{c.Id}\",\"metadata\":{{}},\"source\":{System.Text.Json.JsonSerializer.Serialize(c.Source, JsonStrings.Default.String)}}}")) +
        "],\"metadata\":{},\"nbformat\":4,\"nbformat_minor\":5}";

    private static TestWorld World() => Edit.World(($"{P}/analysis.ipynb",
        Notebook(("a1", "import pandas as pd"), ("b2", Edit.Lines(50)), ("c3", "df.describe()"))));

    private static Decision Nb(NotebookEditMode mode, string? cell, string source = "") =>
        Edit.Check(new FileAction(FileToolKind.NotebookEdit, $"{P}/analysis.ipynb") { Notebook = new NotebookCellEdit(cell, source, mode) }, World());

    [Fact]
    public void Deleting_the_cell_that_holds_most_of_a_notebook_asks()
    {
        var d = Nb(NotebookEditMode.Delete, "b2");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("edit.remove-most", d.RuleId);
        Assert.Contains("`NotebookEdit` removes 50 of 52 lines of analysis.ipynb", d.Reason);
    }

    [Fact]
    public void Ordinary_notebook_edits_are_allowed()
    {
        Assert.Equal(Verdict.Allow, Nb(NotebookEditMode.Delete, "c3").Verdict);
        Assert.Equal(Verdict.Allow, Nb(NotebookEditMode.Replace, "a1", "import pandas as pd\nimport numpy as np").Verdict);
        Assert.Equal(Verdict.Allow, Nb(NotebookEditMode.Insert, "a1", "print(1)").Verdict);
        Assert.Equal(Verdict.Allow, Nb(NotebookEditMode.Insert, null, "print(1)").Verdict);
        Assert.Equal(Verdict.Allow, Nb(NotebookEditMode.Delete, "no-such-cell").Verdict);
    }

    [Fact]
    public void Replacing_the_big_cell_with_a_stub_asks_and_cells_can_be_named_by_position()
    {
        Assert.Equal("edit.replace-file", Nb(NotebookEditMode.Replace, "b2", "pass").RuleId);
        Assert.Equal("edit.replace-file", Nb(NotebookEditMode.Replace, "1", "pass").RuleId);
    }
}

public sealed class SecretReadTests
{
    private const string H = TestWorld.Home;

    [Theory]
    [InlineData(H + "/.ssh/id_rsa", "SSH private key")]
    [InlineData(H + "/.ssh/id_ed25519", "SSH private key")]
    [InlineData(H + "/.ssh/deploy_key", "SSH")]
    [InlineData(H + "/backup/id_ecdsa", "SSH private key")]
    [InlineData(H + "/.aws/credentials", "AWS credentials")]
    [InlineData(H + "/.kube/config", "kubeconfig")]
    [InlineData(Edit.P + "/certs/server.pem", "private key")]
    [InlineData(Edit.P + "/.env", ".env")]
    [InlineData(Edit.P + "/.env.production", ".env")]
    [InlineData(Edit.P + "/.env.local", ".env")]
    [InlineData(Edit.P + "/config/prod.env", ".env")]
    [InlineData(H + "/.netrc", "credentials")]
    [InlineData(H + "/.docker/config.json", "registry")]
    public void Reading_secrets_asks(string path, string what)
    {
        var d = Edit.Read(path);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("secrets.read", d.RuleId);
        Assert.Contains(what, d.Reason);
    }

    [Theory]
    [InlineData(H + "/.ssh/id_rsa.pub")]
    [InlineData(H + "/.ssh/known_hosts")]
    [InlineData(H + "/.ssh/config")]
    [InlineData(Edit.P + "/.env.example")]
    [InlineData(Edit.P + "/.env.sample")]
    [InlineData(Edit.P + "/src/app.py")]
    [InlineData(Edit.P + "/src/environment.py")]
    [InlineData(H + "/.aws/config")]
    [InlineData(Edit.P + "/docs/id_rsa_explained.md")]
    public void Reading_ordinary_files_is_allowed(string path) => Assert.Equal(Verdict.Allow, Edit.Read(path).Verdict);

    [Fact]
    public void Npmrc_and_pypirc_ask_only_when_they_hold_a_literal_token()
    {
        var world = Edit.World(
            ($"{Edit.P}/.npmrc", "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"),
            ($"{H}/.npmrc", "//registry.npmjs.org/:_authToken=npm_abcdef123456\n"),
            ($"{H}/.pypirc", "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc\n"));
        Assert.Equal(Verdict.Allow, Edit.Read($"{Edit.P}/.npmrc", world).Verdict);
        Assert.Equal(Verdict.Ask, Edit.Read($"{H}/.npmrc", world).Verdict);
        Assert.Equal(Verdict.Ask, Edit.Read($"{H}/.pypirc", world).Verdict);
        Assert.Equal(Verdict.Allow, Edit.Read($"{Edit.P}/sub/.npmrc", world).Verdict); // missing: nothing to read
    }
}
