using System.Collections;
using System.Reflection;
using Interlock.Cli;
using Interlock.Core;
using Interlock.Core.Policy;
using Interlock.Policy;
using Xunit;

namespace Interlock.Tests.Policy;

/// <summary>The hook's policy cache: the binary form of a merged policy round-trips every field; an entry is used only
/// when it checks out completely, and a corrupted, truncated, misplaced or foreign entry is ignored and rebuilt (the policy
/// is then parsed from the files, never taken as empty); invalid policies are not cached; the cache is owner-only and bounded.</summary>
public sealed class PolicyCacheTests : IDisposable
{
    private readonly PolicyValidationTests.TempDir _dir = new();
    private string CacheDir => Path.Combine(_dir.Path, "state", PolicyCache.DirectoryName);
    private string UserFile => Path.Combine(_dir.Path, "user.yaml");
    private string ProjectFile => Path.Combine(_dir.Path, "project.yaml");

    public void Dispose() => _dir.Dispose();

    /// <summary>Sets every field the format carries at least once.</summary>
    internal const string EveryField = """
        mode: enforce
        settings:
          regenerable_names: { add: [.cache-x], remove: [vendor] }
          production_names: [prod, live-*]
          staging_names: { add: [preprod] }
          development_names: [dev]
          protected_branches: { add: [release/*] }
          protected_paths: [db/migrations/**, ~/notes/**, /srv/data/**]
          edit_thresholds: { min_lines: 30, removed_fraction: 0.4, kept_fraction: 0.2, max_bytes: 1000000 }
          budgets: { window: 15m, files_deleted: 20, lines_removed: 1500, destructive_commands: 12 }
          fail_closed: ask
          environments:
            production: { kube_contexts: [main], aws_accounts: ["123456789012"], hosts: ["*.corp.example"] }
            development: { databases: [app_dev] }
          unknown_environment: production
        rules:
          - id: team.everything
            description: sets every condition
            match:
              effect: [delete-path, move-path]
              path: [build/**, "*.sql"]
              target: ["prod-*"]
              environment: [production, staging]
              tool: [Bash]
              executable: [rm, mv]
              agent: [claude-code]
              session: [s-*]
              repository: [shop]
              branch: [main]
              amount: { min: 10, max: 50 }
              recursive: true
            verdict: ask
            message: a message
            alternative: an alternative
            approval: { approvers: 2, group: sre, expiry: 30m }
          - id: team.shadow
            match: { effect: force-push-remote, amount: ">= 3", recursive: false }
            verdict: deny
            mode: shadow
        overrides:
          git.discard-changes: { approval: { approvers: 3 } }
          fs.delete-home: { verdict: deny, message: never }
        commands:
          - id: ourctl.wipe
            description: wipes a tenant
            executable: ourctl
            subcommand: [tenant, wipe]
            args: { any_of: [--all, -a], all_of: [--yes], none_of: [--dry-run] }
            effect: destroy-data
            target: $1
            environment_from: --env
            amount_from: --count
            verdict: ask
            message: wipes data
            alternative: snapshot first
            approval: { approvers: 2, group: dba, expiry: 1h }
            mode: shadow
          - id: ourctl.drop
            executable: ourctl
            subcommand: drop
            effect: delete-path
            environment: production
        """;

    private static PolicySet Merge(params (PolicyLayer Layer, string Yaml)[] layers)
    {
        var files = layers.Select(l => PolicyParser.Parse(l.Yaml, l.Layer + ".yaml", l.Layer)).ToList();
        var (set, diagnostics) = PolicyMerger.Merge(files);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return set;
    }

    [Fact]
    public void The_encoding_round_trips_every_field()
    {
        var set = Merge((PolicyLayer.User, EveryField), (PolicyLayer.Project, "overrides:\n  git.force-push: { verdict: deny }\n"));
        var decoded = PolicySetCodec.Decode(PolicySetCodec.Encode(set));
        AssertSame(set with { Tests = [] }, decoded, "set");
        Assert.Equal(PolicySetCodec.Encode(set), PolicySetCodec.Encode(decoded));
        // The decoded policy decides as the parsed one.
        foreach (var command in new[] { "rm -rf ~", "git checkout -- .", "ourctl drop x", "ourctl --env prod tenant wipe acme --all --yes", "ls" })
        {
            var a = P.Check(CompiledPolicy.Compile(set), command);
            var b = P.Check(CompiledPolicy.Compile(decoded), command);
            Assert.Equal((a.Verdict, a.RuleId, a.Reason), (b.Verdict, b.RuleId, b.Reason));
        }
    }

    /// <summary>Every public property of the model compares equal, lists element by element: a field added to the model
    /// but not to the encoding fails here as soon as <see cref="EveryField"/> sets it.</summary>
    private static void AssertSame(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null) { Assert.True(expected is null && actual is null, $"{path}: {expected} vs {actual}"); return; }
        var type = expected.GetType();
        if (type.IsPrimitive || type.IsEnum || expected is string or TimeSpan or decimal) { Assert.True(expected.Equals(actual), $"{path}: {expected} vs {actual}"); return; }
        if (expected is IDictionary ed)
        {
            var ad = (IDictionary)actual;
            Assert.Equal(ed.Count, ad.Count);
            foreach (DictionaryEntry e in ed) AssertSame(e.Value, ad[e.Key], $"{path}[{e.Key}]");
            return;
        }
        if (expected is IEnumerable ee)
        {
            var el = ee.Cast<object?>().ToList();
            var al = ((IEnumerable)actual).Cast<object?>().ToList();
            Assert.True(el.Count == al.Count, $"{path}: {el.Count} vs {al.Count} items");
            for (var i = 0; i < el.Count; i++) AssertSame(el[i], al[i], $"{path}[{i}]");
            return;
        }
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.Name == "EqualityContract") continue;
            AssertSame(p.GetValue(expected), p.GetValue(actual), path + "." + p.Name);
        }
    }

    [Fact]
    public void Decoding_a_truncated_or_extended_encoding_fails_as_a_format_error()
    {
        var bytes = PolicySetCodec.Encode(Merge((PolicyLayer.User, EveryField)));
        for (var n = 0; n < bytes.Length; n++)
            Assert.Throws<FormatException>(() => PolicySetCodec.Decode(bytes.AsSpan(0, n)));
        Assert.Throws<FormatException>(() => PolicySetCodec.Decode([.. bytes, 0]));
        // Random damage either decodes to something or is a format error; never another exception.
        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            try { PolicySetCodec.Decode(damaged); }
            catch (FormatException) { }
        }
    }

    private PolicyCache Cache(string build = "test-build") => new(CacheDir, build);

    private List<(PolicyLayer, string)> Layers() => [(PolicyLayer.User, UserFile), (PolicyLayer.Project, ProjectFile)];

    private const string DenyOurctl = """
        commands:
          - id: ourctl.wipe
            executable: ourctl
            subcommand: wipe
            effect: destroy-data
            verdict: deny
            message: wiping is done by the pipeline
        """;

    private string Entry() => Assert.Single(Directory.GetFiles(CacheDir));

    [Fact]
    public void An_unchanged_policy_is_read_from_the_cache_and_a_changed_one_is_parsed_again()
    {
        File.WriteAllText(UserFile, DenyOurctl);
        var first = PolicyLoader.LoadCached(Layers(), Cache());
        Assert.NotEmpty(first.Files); // parsed
        var entry = Entry();
        var second = PolicyLoader.LoadCached(Layers(), Cache());
        Assert.Empty(second.Files); // from the cache
        Assert.Equal(Verdict.Deny, P.Check(second.Compiled, "ourctl wipe all").Verdict);
        Assert.Equal("ourctl.wipe", P.Check(second.Compiled, "ourctl wipe all").RuleId);

        // One byte changed in a layer: a new key, parsed again, and its meaning used.
        File.WriteAllText(UserFile, DenyOurctl.Replace("verdict: deny", "verdict: ask"));
        var changed = PolicyLoader.LoadCached(Layers(), Cache());
        Assert.NotEmpty(changed.Files);
        Assert.Equal(Verdict.Ask, P.Check(changed.Compiled, "ourctl wipe all").Verdict);
        // A project file appearing changes the key too.
        File.WriteAllText(ProjectFile, "overrides:\n  git.force-push: { verdict: deny }\n");
        Assert.NotEmpty(PolicyLoader.LoadCached(Layers(), Cache()).Files);
        Assert.Equal(3, Directory.GetFiles(CacheDir).Length);
        Assert.Contains(entry, Directory.GetFiles(CacheDir));
    }

    [Fact]
    public void Keys_depend_on_contents_path_layer_and_build()
    {
        var bytes = "rules: []\n"u8.ToArray();
        var key = Cache().Key([(PolicyLayer.User, "/a/policy.yaml", bytes)]);
        Assert.Equal(key, Cache().Key([(PolicyLayer.User, "/a/policy.yaml", (byte[])bytes.Clone())]));
        Assert.NotEqual(key, Cache().Key([(PolicyLayer.User, "/a/policy.yaml", "rules: [] \n"u8.ToArray())]));
        Assert.NotEqual(key, Cache().Key([(PolicyLayer.User, "/b/policy.yaml", bytes)]));
        Assert.NotEqual(key, Cache().Key([(PolicyLayer.Project, "/a/policy.yaml", bytes)]));
        Assert.NotEqual(key, Cache("another-build").Key([(PolicyLayer.User, "/a/policy.yaml", bytes)]));
        Assert.NotEqual(key, Cache().Key([(PolicyLayer.User, "/a/policy.yaml", bytes), (PolicyLayer.Project, "/p", null)]));
    }

    public static TheoryData<string> Damages() => ["flip-body", "flip-header", "flip-hash", "truncate", "truncate-header", "extend", "empty", "garbage", "other-key", "length"];

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_damaged_entry_is_ignored_and_rebuilt_and_the_policy_still_stops(string damage)
    {
        File.WriteAllText(UserFile, DenyOurctl);
        PolicyLoader.LoadCached(Layers(), Cache());
        var entry = Entry();
        var good = File.ReadAllBytes(entry);
        byte[] bad = damage switch
        {
            "flip-body" => Flip(good, good.Length - 40),
            "flip-header" => Flip(good, 3),
            "flip-hash" => Flip(good, 60),
            "truncate" => good[..(good.Length - 1)],
            "truncate-header" => good[..50],
            "extend" => [.. good, 1],
            "empty" => [],
            "garbage" => [.. Enumerable.Range(0, good.Length).Select(i => (byte)(i * 31))],
            "length" => Flip(good, 45),
            _ => good,
        };
        if (damage == "other-key")
        {
            // A valid entry of another policy (one that allows everything) placed under this policy's name.
            File.WriteAllText(ProjectFile, "# nothing\n");
            File.Move(UserFile, UserFile + ".off");
            PolicyLoader.LoadCached(Layers(), Cache());
            var other = Directory.GetFiles(CacheDir).Single(f => f != entry);
            bad = File.ReadAllBytes(other);
            File.Move(UserFile + ".off", UserFile);
            File.Delete(ProjectFile);
        }
        File.WriteAllBytes(entry, bad);

        var loaded = PolicyLoader.LoadCached(Layers(), Cache());
        Assert.NotEmpty(loaded.Files); // parsed, not taken from the damaged entry
        Assert.Equal(Verdict.Deny, P.Check(loaded.Compiled, "ourctl wipe all").Verdict);
        Assert.Equal(good, File.ReadAllBytes(entry)); // rebuilt
        Assert.Empty(PolicyLoader.LoadCached(Layers(), Cache()).Files);
    }

    private static byte[] Flip(byte[] data, int at)
    {
        var copy = (byte[])data.Clone();
        copy[at] ^= 0x5A;
        return copy;
    }

    [Fact]
    public void An_entry_written_by_another_build_is_not_read()
    {
        File.WriteAllText(UserFile, DenyOurctl);
        PolicyLoader.LoadCached(Layers(), Cache("build-1"));
        Assert.NotEmpty(PolicyLoader.LoadCached(Layers(), Cache("build-2")).Files);
        Assert.Empty(PolicyLoader.LoadCached(Layers(), Cache("build-2")).Files);
    }

    [Fact]
    public void An_invalid_policy_is_never_cached_and_still_stops_everything()
    {
        File.WriteAllText(UserFile, "rules:\n  - id: a\n    match: { effect: delete-path }\n    verdict: alow\n");
        for (var i = 0; i < 2; i++)
        {
            var loaded = PolicyLoader.LoadCached(Layers(), Cache());
            Assert.NotNull(loaded.FirstError);
            Assert.Equal("policy.invalid", loaded.InvalidPolicyDecision().RuleId);
        }
        Assert.False(Directory.Exists(CacheDir) && Directory.GetFiles(CacheDir).Length > 0);
        // An unreadable layer (a directory) is reported, uncached.
        File.Delete(UserFile);
        Directory.CreateDirectory(UserFile);
        Assert.NotNull(PolicyLoader.LoadCached(Layers(), Cache()).FirstError);
    }

    [Fact]
    public void No_policy_files_means_the_built_in_policy_and_no_entry()
    {
        var loaded = PolicyLoader.LoadCached(Layers(), Cache());
        Assert.Same(CompiledPolicy.Default, loaded.Compiled);
        Assert.False(Directory.Exists(CacheDir));
    }

    [Fact]
    public void The_cache_is_owner_only_and_bounded()
    {
        if (OperatingSystem.IsWindows()) return;
        for (var i = 0; i < PolicyCache.MaxEntries + 8; i++)
        {
            File.WriteAllText(UserFile, DenyOurctl + $"# version {i}\n");
            PolicyLoader.LoadCached(Layers(), Cache());
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(CacheDir));
        var files = Directory.GetFiles(CacheDir);
        Assert.Equal(PolicyCache.MaxEntries, files.Length);
        foreach (var f in files) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f));
        Assert.DoesNotContain(files, f => f.EndsWith(".tmp", StringComparison.Ordinal));
        // The latest is among those kept.
        Assert.Empty(PolicyLoader.LoadCached(Layers(), Cache()).Files);
    }

    [Fact]
    public void The_state_directory_that_holds_the_cache_is_protected_from_agents()
    {
        var world = new TestWorld();
        var state = Path.Combine(TestWorld.Home, ".local/state/interlock/policy-cache/x.bin");
        Assert.Equal(Verdict.Deny, P.Check(CompiledPolicy.Default, $"echo x > {state}", world: world).Verdict);
        Assert.Equal(Verdict.Deny, P.Check(CompiledPolicy.Default, $"rm -rf {Path.GetDirectoryName(state)}", world: world).Verdict);
    }
}
