using System;
using System.Collections.Generic;

namespace Interlock.Core.Interpreters;

internal enum TokenKind
{
    Identifier,
    /// <summary>Sigiled variable: $x, @x, %h (Perl), $x (PHP), @x / $x (Ruby).</summary>
    Variable,
    /// <summary>String literal; Value is the decoded text, null when it interpolates.</summary>
    String,
    /// <summary>Command substitution literal: backticks, qx//, %x().</summary>
    Command,
    /// <summary>qw() / %w() list; Words holds the words when nothing interpolates.</summary>
    WordList,
    Regex,
    Number,
    Punct,
    /// <summary>Ruby "name:" keyword label.</summary>
    Label,
    /// <summary>Ruby :symbol or ?c character literal; Value holds the name.</summary>
    Symbol,
    /// <summary>Significant line break (Ruby only, where it ends a paren-less call).</summary>
    Newline,
}

/// <summary>
/// One lexed token. Interpolated strings are followed by their embedded code as ordinary tokens wrapped in
/// synthetic "(" ")" so that calls inside ${...} / #{...} / f"{...}" are analysed while argument splitting
/// treats them as one group.
/// </summary>
internal sealed class Token
{
    public required TokenKind Kind { get; init; }
    public required string Text { get; init; }
    public required int Start { get; init; }
    public required int Length { get; init; }
    public string? Value { get; init; }
    /// <summary>Decoded text before the first interpolation (whole text when there is none).</summary>
    public string LiteralPrefix { get; init; } = "";
    public IReadOnlyList<string>? Words { get; init; }
    public bool SpaceBefore { get; init; }
    public bool Synthetic { get; init; }

    public int End => Start + Length;
    public bool Is(string punct) => Kind == TokenKind.Punct && Text == punct;
    public bool IsWord(string word) => Kind == TokenKind.Identifier && Text == word;
    public bool IsOpener => Kind == TokenKind.Punct && Text is "(" or "[" or "{";
    public bool IsCloser => Kind == TokenKind.Punct && Text is ")" or "]" or "}";
    public override string ToString() => $"{Kind}:{Text}";
}

internal sealed record LexResult(List<Token> Tokens, int ErrorPosition, string? Error);

/// <summary>Thrown inside a lexer to abandon lexing; caught by <see cref="LexerBase.Run"/>.</summary>
internal sealed class LexFailure(int position, string message) : Exception(message)
{
    public int Position { get; } = position;
}

/// <summary>Half-open range of token indices.</summary>
internal readonly record struct TokenRange(int Start, int End)
{
    public int Count => End - Start;
}

/// <summary>What a call chain resolved to so far: a dotted canonical name, possibly with a literal receiver such as Path("x").</summary>
internal readonly record struct ChainHead(string Name, bool HasReceiver = false, string? ReceiverLiteral = null);

/// <summary>A call found in the token stream: canonical callee name plus argument token ranges.</summary>
internal sealed class CallSite
{
    public required string Name { get; init; }
    public required int StartToken { get; init; }
    /// <summary>Exclusive end of the call (after the closing paren or the last paren-less argument).</summary>
    public required int EndToken { get; init; }
    public required IReadOnlyList<TokenRange> Args { get; init; }
    /// <summary>Receiver built by a call such as pathlib.Path("x") or Pathname.new("x").</summary>
    public bool HasReceiver { get; init; }
    public string? ReceiverLiteral { get; init; }
    public bool Parenless { get; init; }

    public string LastSegment => Name[(Name.LastIndexOf('.') + 1)..];
    public bool IsMethod => Name.Contains('.', StringComparison.Ordinal);
}
