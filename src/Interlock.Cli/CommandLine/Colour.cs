using System.Text;

namespace Interlock.Cli.CommandLine;

/// <summary>Colour for a person at a terminal: only when standard output is a terminal, TERM is not `dumb`, and
/// NO_COLOR is unset or empty (no-color.org). Output to a pipe, a file or a test's writer is never coloured.</summary>
internal static class Colour
{
    public const string Red = "\u001b[31m", Yellow = "\u001b[33m", Green = "\u001b[32m", Bold = "\u001b[1m", Reset = "\u001b[0m";

    public static bool Enabled(Func<string, string?> variable, bool outputRedirected) =>
        !outputRedirected && string.IsNullOrEmpty(variable("NO_COLOR")) && variable("TERM") != "dumb";

    public static bool OnStdout => Enabled(Environment.GetEnvironmentVariable, Console.IsOutputRedirected);

    public static string Verdict(string verdict, bool on) => !on ? verdict : verdict switch
    {
        "deny" => Bold + Red + verdict + Reset,
        "ask" => Bold + Yellow + verdict + Reset,
        "allow" => Green + verdict + Reset,
        _ => verdict,
    };

    /// <summary>The doctor's lines with PROBLEM in red, each fix in bold and the all-clear in green.</summary>
    public static string DoctorLine(string line)
    {
        var sb = new StringBuilder(line);
        sb.Replace("PROBLEM ", Red + Bold + "PROBLEM" + Reset + " ");
        var text = sb.ToString();
        var fix = text.IndexOf("fix: ", StringComparison.Ordinal);
        if (fix >= 0 && text[..fix].Trim().Length == 0) text = text[..fix] + Bold + text[fix..] + Reset;
        if (text == "No problems found.") text = Green + text + Reset;
        return text;
    }
}

/// <summary>A writer that colours each line it is given (<see cref="Colour.DoctorLine"/>).</summary>
internal sealed class DoctorColourWriter(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;
    public override void Write(char value) => inner.Write(value);
    public override void Write(string? value) => inner.Write(value is null ? null : string.Join('\n', value.Split('\n').Select(Colour.DoctorLine)));
    public override void WriteLine(string? value) { Write(value); inner.WriteLine(); }
    public override void Flush() => inner.Flush();
}
