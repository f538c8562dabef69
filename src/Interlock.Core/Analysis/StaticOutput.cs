namespace Interlock.Core.Analysis;

/// <summary>What simple commands print, when that is known without running them (echo, printf, cat of a
/// here-document): it feeds pipes into shells, xargs and command substitutions.</summary>
internal static class StaticOutput
{
    /// <summary>The text a command writes to standard output, when it is static (echo, printf, cat of a here-doc).</summary>
    public static string? Of(string name, IReadOnlyList<Arg> args, string? stdin)
    {
        if (args.Any(a => !a.Known)) return null;
        switch (name)
        {
            case "echo":
            {
                var rest = args.SkipWhile(a => a.Text is "-n" or "-e" or "-E" or "-ne" or "-en").Select(a => a.Text);
                var text = string.Join(' ', rest);
                return args.Any(a => a.Text.Contains('e') && a.Text.StartsWith('-')) ? Unescape(text) + "\n" : text + "\n";
            }
            case "printf":
                if (args.Count == 0 || args[0].Text.Contains('%')) return args.Count == 2 && args[0].Text is "%s" or "%s\\n" or "%b" ? Unescape(args[1].Text) + "\n" : null;
                return Unescape(args[0].Text);
            case "cat" when args.Count == 0:
                return stdin;
            case "base64" when stdin is not null && args.Count > 0 && args.All(a => a.Text is "-d" or "--decode" or "-D" or "-i" or "--ignore-garbage" or "-di" or "-id"):
                return Base64Text(stdin);
            default:
                return null;
        }
    }

    /// <summary>Decoded base64 when it is text (valid UTF-8 without NUL); null for a binary or invalid input.</summary>
    private static string? Base64Text(string encoded)
    {
        var compact = new string(encoded.Where(c => !char.IsWhiteSpace(c)).ToArray());
        var bytes = new byte[compact.Length];
        if (!Convert.TryFromBase64String(compact, bytes, out var length)) return null;
        try
        {
            var text = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
            return text.Contains('\0') ? null : text;
        }
        catch (System.Text.DecoderFallbackException)
        {
            return null;
        }
    }

    internal static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length) { sb.Append(s[i]); continue; }
            var e = s[++i];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case '\\': sb.Append('\\'); break;
                case 'x':
                {
                    var v = 0; var k = 0;
                    while (k < 2 && i + 1 < s.Length && Uri.IsHexDigit(s[i + 1])) { v = v * 16 + Convert.ToInt32(s[++i].ToString(), 16); k++; }
                    sb.Append((char)v);
                    break;
                }
                case >= '0' and <= '7':
                {
                    var v = e - '0'; var k = 1;
                    while (k < 4 && i + 1 < s.Length && s[i + 1] is >= '0' and <= '7') { v = v * 8 + (s[++i] - '0'); k++; }
                    sb.Append((char)(v & 0xFF));
                    break;
                }
                default: sb.Append('\\').Append(e); break;
            }
        }
        return sb.ToString();
    }

}
