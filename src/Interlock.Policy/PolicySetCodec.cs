using System.Text;
using Interlock.Core;
using Interlock.Core.Policy;

namespace Interlock.Policy;

/// <summary>
/// A compact binary form of a merged <see cref="PolicySet"/> (settings, rules, overrides, command rules, origins; not the
/// policy tests, which only `interlock policy test` runs from the files), so the hook can skip YAML parsing when the
/// policy files have not changed (see the CLI's policy cache). Hand-written: no reflection, AOT-safe, and every value read
/// back is checked (lengths bounded, enums in range, the whole input consumed): anything malformed throws
/// <see cref="FormatException"/>, and the caller then parses the files instead of trusting it.
/// Change <see cref="FormatVersion"/> whenever the layout or the meaning of any field changes.
/// </summary>
public static class PolicySetCodec
{
    public const int FormatVersion = 3;
    private const int MaxString = PolicyParser.MaxBytes;
    private const int MaxCount = PolicyParser.MaxNodes;

    public static byte[] Encode(PolicySet set)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            var s = set.Settings;
            foreach (var list in new[] { s.RegenerableNames, s.ProductionNames, s.StagingNames, s.DevelopmentNames, s.ProtectedBranches, s.ProtectedPaths })
                WriteStrings(w, list);
            w.Write(s.EditThresholds.MinLines);
            w.Write(s.EditThresholds.RemovedFraction);
            w.Write(s.EditThresholds.KeptFraction);
            w.Write(s.EditThresholds.MaxBytes);
            w.Write(s.Budgets.Window.Ticks);
            w.Write(s.Budgets.FilesDeleted);
            w.Write(s.Budgets.LinesRemoved);
            w.Write(s.Budgets.DestructiveCommands);
            w.Write((int)s.FailClosed);
            w.Write((int)s.HarnessPrompt);
            w.Write(s.DeclaredEnvironments.Count);
            foreach (var d in s.DeclaredEnvironments)
            {
                w.Write((int)d.Environment);
                w.Write((int)d.Kind);
                w.Write(d.Pattern);
            }
            w.Write(s.UnknownIsProduction);

            w.Write(set.Rules.Count);
            foreach (var r in set.Rules) WriteRule(w, r);
            w.Write(set.Commands.Count);
            foreach (var c in set.Commands) WriteCommand(w, c);
            w.Write(set.Origins.Count);
            foreach (var (name, origin) in set.Origins.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.Write(name);
                w.Write(origin);
            }
        }
        return stream.ToArray();
    }

    public static PolicySet Decode(ReadOnlySpan<byte> data)
    {
        var r = new Reader(data.ToArray());
        var settings = new PolicySettings
        {
            RegenerableNames = r.Strings(),
            ProductionNames = r.Strings(),
            StagingNames = r.Strings(),
            DevelopmentNames = r.Strings(),
            ProtectedBranches = r.Strings(),
            ProtectedPaths = r.Strings(),
            EditThresholds = new EditThresholds { MinLines = r.Int(), RemovedFraction = r.Double(), KeptFraction = r.Double(), MaxBytes = r.Int() },
            Budgets = new BudgetSettings { Window = r.Span(), FilesDeleted = r.Int(), LinesRemoved = r.Int(), DestructiveCommands = r.Int() },
            FailClosed = r.Enum<Verdict>(),
            HarnessPrompt = r.Enum<HarnessPrompt>(),
        };
        var declared = new Interlock.Core.Environments.DeclaredTarget[r.Count()];
        for (var i = 0; i < declared.Length; i++)
            declared[i] = new(r.Enum<TargetEnvironment>(), r.Enum<Interlock.Core.Environments.TargetKind>(), r.String());
        settings = settings with { DeclaredEnvironments = declared, UnknownIsProduction = r.Bool() };
        if (settings.FailClosed == Verdict.Allow) throw new FormatException("fail_closed cannot be allow");
        var rules = new PolicyRule[r.Count()];
        for (var i = 0; i < rules.Length; i++) rules[i] = ReadRule(r);
        var commands = new CommandRule[r.Count()];
        for (var i = 0; i < commands.Length; i++) commands[i] = ReadCommand(r);
        var originCount = r.Count();
        var origins = new Dictionary<string, string>(originCount, StringComparer.Ordinal);
        for (var i = 0; i < originCount; i++) origins[r.String()] = r.String();
        r.End();
        return new PolicySet { Settings = settings, Rules = rules, Commands = commands, Tests = [], Origins = origins };
    }

    // ---- writing ----

    private static void WriteRule(BinaryWriter w, PolicyRule r)
    {
        w.Write(r.Id);
        var m = r.Match;
        WriteEnums(w, m.Effects);
        WriteStrings(w, m.Paths);
        WriteStrings(w, m.Targets);
        WriteEnums(w, m.Environments);
        WriteStrings(w, m.Tools);
        WriteStrings(w, m.Executables);
        WriteStrings(w, m.Agents);
        WriteStrings(w, m.Sessions);
        WriteStrings(w, m.Repositories);
        WriteStrings(w, m.Branches);
        w.Write(m.Amount is not null);
        if (m.Amount is { } a) { WriteLong(w, a.Min); WriteLong(w, a.Max); }
        w.Write((sbyte)(m.Recursive is null ? -1 : m.Recursive.Value ? 1 : 0));
        w.Write((int)r.Verdict);
        WriteString(w, r.Message);
        WriteString(w, r.Alternative);
        WriteApproval(w, r.Approval);
        w.Write((int)r.Mode);
        WriteString(w, r.Overrides);
        w.Write((int)r.Layer);
        WriteLocation(w, r.Location);
        w.Write(r.KeepsVerdict);
    }

    private static void WriteCommand(BinaryWriter w, CommandRule c)
    {
        w.Write(c.Id);
        w.Write(c.Executable);
        WriteStrings(w, c.Subcommand);
        w.Write((int)c.Effect);
        WriteStrings(w, c.Arguments.AnyOf);
        WriteStrings(w, c.Arguments.AllOf);
        WriteStrings(w, c.Arguments.NoneOf);
        WriteString(w, c.Target);
        w.Write(c.Environment is null ? -1 : (int)c.Environment.Value);
        WriteString(w, c.EnvironmentFrom);
        WriteString(w, c.AmountFrom);
        WriteString(w, c.Description);
        w.Write(c.Verdict is null ? -1 : (int)c.Verdict.Value);
        WriteString(w, c.Message);
        WriteString(w, c.Alternative);
        WriteApproval(w, c.Approval);
        w.Write((int)c.Mode);
        w.Write((int)c.Layer);
        WriteLocation(w, c.Location);
    }

    private static void WriteApproval(BinaryWriter w, ApprovalRequirement? a)
    {
        w.Write(a is not null);
        if (a is null) return;
        w.Write(a.Approvers);
        WriteString(w, a.Group);
        WriteLong(w, a.Expiry?.Ticks);
    }

    private static void WriteLocation(BinaryWriter w, SourceLocation? l)
    {
        w.Write(l is not null);
        if (l is null) return;
        w.Write(l.File);
        w.Write(l.Line);
        w.Write(l.Column);
    }

    private static void WriteString(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    private static void WriteLong(BinaryWriter w, long? v)
    {
        w.Write(v is not null);
        if (v is not null) w.Write(v.Value);
    }

    private static void WriteStrings(BinaryWriter w, IReadOnlyList<string>? list)
    {
        w.Write(list?.Count ?? -1);
        if (list is null) return;
        foreach (var s in list) w.Write(s);
    }

    private static void WriteEnums<T>(BinaryWriter w, IReadOnlyList<T>? list) where T : struct, Enum
    {
        w.Write(list?.Count ?? -1);
        if (list is null) return;
        foreach (var v in list) w.Write(Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture));
    }

    // ---- reading ----

    private static PolicyRule ReadRule(Reader r)
    {
        var id = r.String();
        var match = new RuleConditions
        {
            Effects = r.EnumsOrNull<EffectKind>(),
            Paths = r.StringsOrNull(),
            Targets = r.StringsOrNull(),
            Environments = r.EnumsOrNull<TargetEnvironment>(),
            Tools = r.StringsOrNull(),
            Executables = r.StringsOrNull(),
            Agents = r.StringsOrNull(),
            Sessions = r.StringsOrNull(),
            Repositories = r.StringsOrNull(),
            Branches = r.StringsOrNull(),
            Amount = r.Bool() ? new AmountRange(r.LongOrNull(), r.LongOrNull()) : null,
            Recursive = r.SByte() switch { -1 => null, 0 => false, 1 => true, _ => throw new FormatException("recursive") },
        };
        return new PolicyRule(id, match, r.Enum<Verdict>())
        {
            Message = r.StringOrNull(),
            Alternative = r.StringOrNull(),
            Approval = ReadApproval(r),
            Mode = r.Enum<RuleMode>(),
            Overrides = r.StringOrNull(),
            Layer = r.Enum<PolicyLayer>(),
            Location = ReadLocation(r),
            KeepsVerdict = r.Bool(),
        };
    }

    private static CommandRule ReadCommand(Reader r)
    {
        var id = r.String();
        var executable = r.String();
        var subcommand = r.StringsOrNull() ?? throw new FormatException("subcommand");
        var effect = r.Enum<EffectKind>();
        return new CommandRule(id, executable, subcommand, effect)
        {
            Arguments = new ArgumentConditions { AnyOf = r.StringsOrNull(), AllOf = r.StringsOrNull(), NoneOf = r.StringsOrNull() },
            Target = r.StringOrNull(),
            Environment = r.EnumOrNull<TargetEnvironment>(),
            EnvironmentFrom = r.StringOrNull(),
            AmountFrom = r.StringOrNull(),
            Description = r.StringOrNull(),
            Verdict = r.EnumOrNull<Verdict>(),
            Message = r.StringOrNull(),
            Alternative = r.StringOrNull(),
            Approval = ReadApproval(r),
            Mode = r.Enum<RuleMode>(),
            Layer = r.Enum<PolicyLayer>(),
            Location = ReadLocation(r),
        };
    }

    private static ApprovalRequirement? ReadApproval(Reader r)
    {
        if (!r.Bool()) return null;
        var approvers = r.Int();
        if (approvers < 1) throw new FormatException("approvers");
        var group = r.StringOrNull();
        var expiry = r.LongOrNull();
        return new ApprovalRequirement(approvers, group, expiry is { } t ? TimeSpan.FromTicks(t) : null);
    }

    private static SourceLocation? ReadLocation(Reader r) => r.Bool() ? new SourceLocation(r.String(), r.Int(), r.Int()) : null;

    /// <summary>A bounds-checked reader over the encoded bytes (BinaryReader's formats: 7-bit length-prefixed UTF-8 strings).</summary>
    private sealed class Reader(byte[] data)
    {
        private readonly BinaryReader _r = new(new MemoryStream(data, writable: false), new UTF8Encoding(false, throwOnInvalidBytes: true));

        private T Guard<T>(Func<BinaryReader, T> read)
        {
            try { return read(_r); }
            catch (Exception e) when (e is EndOfStreamException or IOException or DecoderFallbackException or ArgumentException)
            {
                throw new FormatException("the encoded policy is truncated or malformed", e);
            }
        }

        public int Int() => Guard(b => b.ReadInt32());
        public long Long() => Guard(b => b.ReadInt64());
        public double Double() => Guard(b => b.ReadDouble());
        public bool Bool() => Guard(b => b.ReadByte()) switch { 0 => false, 1 => true, _ => throw new FormatException("bool") };
        public sbyte SByte() => Guard(b => b.ReadSByte());
        public TimeSpan Span() => TimeSpan.FromTicks(Long());
        public long? LongOrNull() => Bool() ? Long() : null;

        public string String()
        {
            // BinaryReader reads the 7-bit length first; refuse absurd lengths before allocating.
            var start = _r.BaseStream.Position;
            var length = Guard(b => b.Read7BitEncodedInt());
            if (length < 0 || length > MaxString || length > _r.BaseStream.Length - _r.BaseStream.Position) throw new FormatException("string length");
            _r.BaseStream.Position = start;
            return Guard(b => b.ReadString());
        }

        public string? StringOrNull() => Bool() ? String() : null;

        public int Count()
        {
            var n = Int();
            if (n < 0 || n > MaxCount) throw new FormatException("count");
            return n;
        }

        public string[]? StringsOrNull()
        {
            var n = Int();
            if (n == -1) return null;
            if (n < 0 || n > MaxCount) throw new FormatException("count");
            var list = new string[n];
            for (var i = 0; i < n; i++) list[i] = String();
            return list;
        }

        public string[] Strings() => StringsOrNull() ?? throw new FormatException("a list is missing");

        public T Enum<T>() where T : struct, Enum
        {
            var v = Int();
            // Enums here are plain int-backed with consecutive values from 0.
            if (v < 0 || v >= System.Enum.GetValues<T>().Length) throw new FormatException(typeof(T).Name);
            return (T)(object)v;
        }

        public T? EnumOrNull<T>() where T : struct, Enum
        {
            var start = _r.BaseStream.Position;
            if (Int() == -1) return null;
            _r.BaseStream.Position = start;
            return Enum<T>();
        }

        public T[]? EnumsOrNull<T>() where T : struct, Enum
        {
            var n = Int();
            if (n == -1) return null;
            if (n < 0 || n > MaxCount) throw new FormatException("count");
            var list = new T[n];
            for (var i = 0; i < n; i++) list[i] = Enum<T>();
            return list;
        }

        public void End()
        {
            if (_r.BaseStream.Position != _r.BaseStream.Length) throw new FormatException("trailing bytes after the encoded policy");
        }
    }
}
