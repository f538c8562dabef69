namespace Interlock.Core.Shell;

/// <summary>A half-open range of the parsed source, in UTF-16 code units.</summary>
public readonly record struct Span(int Start, int Length)
{
    public int End => Start + Length;
    public static Span FromTo(int start, int end) => new(start, Math.Max(0, end - start));
    public override string ToString() => $"{Start}..{End}";
}

// ---------------------------------------------------------------- words

/// <summary>One shell word before expansion: a sequence of literal and expanding parts.</summary>
public sealed record Word(Span Span, IReadOnlyList<WordPart> Parts)
{
    /// <summary>True when every part is literal text: the word means exactly one known string.</summary>
    public bool IsStatic => Parts.All(p => p is LiteralPart);

    /// <summary>The text after quote removal when the word is static (no expansion of any kind).</summary>
    public string? StaticText => IsStatic ? string.Concat(Parts.Select(p => ((LiteralPart)p).Text)) : null;

    /// <summary>True when nothing in the word was quoted or escaped (keywords must be unquoted).</summary>
    public bool IsUnquotedLiteral => Parts.Count == 1 && Parts[0] is LiteralPart { Quoted: false };
}

public abstract record WordPart;

/// <summary>Literal text. <see cref="Quoted"/> parts are not subject to globbing, tilde or brace expansion.</summary>
public sealed record LiteralPart(string Text, bool Quoted) : WordPart;

/// <summary><c>$name</c>, <c>${name}</c>, <c>${name:-word}</c>, <c>$1</c>, <c>$@</c>...</summary>
public sealed record ParameterPart(string Name, string? Operator, Word? Argument, bool Quoted) : WordPart;

/// <summary><c>$(...)</c> or backticks: the body executes.</summary>
public sealed record CommandSubstitutionPart(Script Body, bool Quoted) : WordPart;

/// <summary><c>$((...))</c>: no command runs unless the expression contains a substitution.</summary>
public sealed record ArithmeticPart(Word Expression, bool Quoted) : WordPart;

/// <summary><c>&lt;(...)</c> or <c>&gt;(...)</c>: the body executes, the word becomes a file name.</summary>
public sealed record ProcessSubstitutionPart(Script Body, bool IsOutput) : WordPart;

// ---------------------------------------------------------------- commands

public abstract record Node(Span Span);

/// <summary>A sequence of and-or lists separated by <c>;</c>, <c>&amp;</c> or newlines.</summary>
public sealed record Script(Span Span, IReadOnlyList<ListItem> Items) : Node(Span);

public sealed record ListItem(AndOr Body, bool Background);

/// <summary><c>a &amp;&amp; b || c</c>. <see cref="Operators"/>[i] joins Pipelines[i] and Pipelines[i+1].</summary>
public sealed record AndOr(Span Span, IReadOnlyList<Pipeline> Pipelines, IReadOnlyList<string> Operators) : Node(Span);

public sealed record Pipeline(Span Span, IReadOnlyList<Command> Commands, bool Negated) : Node(Span);

public abstract record Command(Span Span, IReadOnlyList<Redirect> Redirects) : Node(Span);

public sealed record Assignment(Span Span, string Name, Word? Value, IReadOnlyList<Word>? ArrayValues, bool Append);

public sealed record SimpleCommand(Span Span, IReadOnlyList<Assignment> Assignments, IReadOnlyList<Word> Words,
    IReadOnlyList<Redirect> Redirects) : Command(Span, Redirects);

public sealed record SubshellCommand(Span Span, Script Body, IReadOnlyList<Redirect> Redirects) : Command(Span, Redirects);

public sealed record BraceGroupCommand(Span Span, Script Body, IReadOnlyList<Redirect> Redirects) : Command(Span, Redirects);

public sealed record IfCommand(Span Span, IReadOnlyList<(Script Condition, Script Body)> Branches, Script? Else,
    IReadOnlyList<Redirect> Redirects) : Command(Span, Redirects);

/// <summary><c>for name in words; do body; done</c> (Words null: iterate "$@") and <c>select</c>.</summary>
public sealed record ForCommand(Span Span, string Variable, IReadOnlyList<Word>? Words, Script Body,
    IReadOnlyList<Redirect> Redirects) : Command(Span, Redirects);

/// <summary><c>for ((init; cond; step))</c>.</summary>
public sealed record ArithmeticForCommand(Span Span, string Header, Script Body, IReadOnlyList<Redirect> Redirects)
    : Command(Span, Redirects);

public sealed record LoopCommand(Span Span, bool Until, Script Condition, Script Body, IReadOnlyList<Redirect> Redirects)
    : Command(Span, Redirects);

public sealed record CaseCommand(Span Span, Word Subject, IReadOnlyList<(IReadOnlyList<Word> Patterns, Script Body)> Items,
    IReadOnlyList<Redirect> Redirects) : Command(Span, Redirects);

public sealed record FunctionDefinition(Span Span, string Name, Command Body, IReadOnlyList<Redirect> Redirects)
    : Command(Span, Redirects);

/// <summary><c>(( expr ))</c> and <c>[[ expr ]]</c>: evaluate without running programs, except for substitutions inside.</summary>
public sealed record TestCommand(Span Span, IReadOnlyList<Word> Words, IReadOnlyList<Redirect> Redirects)
    : Command(Span, Redirects);

// ---------------------------------------------------------------- redirections

public enum RedirectKind
{
    Input,        // <
    Output,       // >  (truncates)
    Clobber,      // >| (truncates even with noclobber)
    Append,       // >>
    ReadWrite,    // <>
    OutputBoth,   // &> and >& file (truncates)
    AppendBoth,   // &>>
    DuplicateIn,  // <&
    DuplicateOut, // >&n
    HereDoc,      // << and <<-
    HereString,   // <<<
}

/// <summary>A redirection to or from a file, a descriptor, a here-document or a here-string.</summary>
public sealed record Redirect(Span Span, int? Fd, RedirectKind Kind, Word Target)
{
    /// <summary>For <see cref="RedirectKind.HereDoc"/>: the document (Target is then the delimiter word).</summary>
    public HereDocument? HereDoc { get; init; }

    public bool TruncatesTarget => Kind is RedirectKind.Output or RedirectKind.Clobber or RedirectKind.OutputBoth;
    public bool WritesTarget => TruncatesTarget || Kind is RedirectKind.Append or RedirectKind.AppendBoth or RedirectKind.ReadWrite;
    public bool FeedsStdin => Kind is RedirectKind.HereDoc or RedirectKind.HereString || (Kind == RedirectKind.Input && Fd is null or 0);
}

/// <summary>A here-document. Its body is read when the line that started it ends, so it is filled in after
/// the redirect is built. A quoted delimiter makes the body literal; otherwise it undergoes expansion.</summary>
public sealed class HereDocument(string delimiter, bool quotedDelimiter, bool stripTabs)
{
    public string Delimiter { get; } = delimiter;
    public bool QuotedDelimiter { get; } = quotedDelimiter;
    public bool StripTabs { get; } = stripTabs;
    public Word Body { get; internal set; } = new(default, []);
}
