using Interlock.Guard;
using Interlock.Guard.Sample;

// The scripted model asks for `git status`, `rm -rf ~` and `git reset --hard`; Interlock lets the first run, blocks
// the second, and holds the third for a human (here: the person at the terminal, if any).
var (ran, results, answer) = await SampleAgent.RunAsync(new Guard(), Environment.CurrentDirectory, (approval, _) =>
{
    Console.Write($"{approval.Decision.Message}\nApprove? [y/N] ");
    return ValueTask.FromResult(Console.ReadLine()?.Trim() is "y" or "Y");
});
Console.WriteLine($"Commands that ran: {string.Join(", ", ran)}");
foreach (var r in results) Console.WriteLine($"Tool result: {r}");
Console.WriteLine($"Model: {answer}");
