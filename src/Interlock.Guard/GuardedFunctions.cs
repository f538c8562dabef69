using System.Text.Json;
using Interlock.Core;
using Microsoft.Extensions.AI;

namespace Interlock.Guard;

/// <summary>A human's approval asked for an action the guard will not run on its own.</summary>
public sealed record GuardApproval(string FunctionName, ActionRequest Request, GuardDecision Decision);

/// <summary>How function calls become the engine's requests, and who approves an ask.</summary>
public sealed class GuardOptions
{
    /// <summary>Functions that run a shell command, and the argument that holds it. Others are judged by their
    /// name and arguments (SQL and shell commands found in them), as MCP tools are.</summary>
    public Dictionary<string, string> ShellFunctions { get; } = new(StringComparer.Ordinal)
    {
        ["run_shell_command"] = "command",
        ["run_command"] = "command",
        ["bash"] = "command",
        ["shell"] = "command",
    };

    /// <summary>The directory actions run in (default: the process's current directory).</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>The name other functions are grouped under in rules and messages (mcp__NAME__function).</summary>
    public string ToolSource { get; set; } = "agent";

    /// <summary>Asks a human whether an action that needs approval may run. Without it, an ask is not run and the
    /// model is told a human must approve it.</summary>
    public Func<GuardApproval, CancellationToken, ValueTask<bool>>? Approve { get; set; }

    /// <summary>The engine's request for a function call; null (with <paramref name="problem"/>) when a shell
    /// function's command is missing, which cannot be judged and is not run.</summary>
    public ActionRequest? ToRequest(string functionName, IDictionary<string, object?>? arguments, out string? problem)
    {
        problem = null;
        var cwd = WorkingDirectory ?? Environment.CurrentDirectory;
        if (ShellFunctions.TryGetValue(functionName, out var field))
        {
            var command = arguments is not null && arguments.TryGetValue(field, out var value) ? value switch
            {
                string s => s,
                JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
                _ => null,
            } : null;
            if (command is null)
            {
                problem = $"Interlock could not check the call of {functionName}: it has no `{field}` string argument, so it was not made. Pass the command as the `{field}` argument.";
                return null;
            }
            return new ActionRequest(functionName, command, cwd);
        }
        var json = arguments is null ? null : JsonSerializer.Serialize(arguments, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));
        return new ActionRequest($"mcp__{ToolSource}__{functionName}", null, cwd) { ToolArguments = json };
    }
}

/// <summary>
/// Microsoft.Extensions.AI middleware: every function the model calls goes through the guard first. Allowed calls
/// run; denied calls do not, and the model gets the reason (what, why, what instead) as the function's result; a
/// call that needs a human runs only when <see cref="GuardOptions.Approve"/> says yes.
/// </summary>
public static class GuardedFunctions
{
    /// <summary>Adds function invocation guarded by <paramref name="guard"/> to the pipeline.</summary>
    public static ChatClientBuilder UseInterlockGuard(this ChatClientBuilder builder, IGuard guard, GuardOptions? options = null) =>
        builder.UseFunctionInvocation(configure: client => client.AddInterlockGuard(guard, options));

    /// <summary>Guards an existing function-invoking client (keeps any invoker it already has).</summary>
    public static FunctionInvokingChatClient AddInterlockGuard(this FunctionInvokingChatClient client, IGuard guard, GuardOptions? options = null)
    {
        options ??= new GuardOptions();
        var inner = client.FunctionInvoker;
        client.FunctionInvoker = async (context, cancellationToken) =>
        {
            var name = context.Function.Name;
            if (options.ToRequest(name, context.Arguments, out var problem) is not { } request) return problem;
            GuardDecision decision;
            try
            {
                decision = await guard.DecideAsync(request, canAskHuman: options.Approve is not null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return $"Interlock could not check the call of {name} ({e.GetType().Name}: {e.Message}), so it was not made. Ask the user to run it.";
            }
            switch (decision.Verdict)
            {
                case Verdict.Allow:
                    break;
                case Verdict.Ask when options.Approve is { } approve:
                    var approval = new GuardApproval(name, request, decision);
                    var approved = await approve(approval, cancellationToken).ConfigureAwait(false);
                    // The human's answer is part of the audit trail; an approval that cannot be recorded is not acted on.
                    var failure = await guard.RecordHumanAnswerAsync(approval, approved, cancellationToken).ConfigureAwait(false);
                    if (!approved) return decision.Message + " The human did not approve it, so it was not run. Do something else, or ask the user.";
                    if (failure is not null)
                        return $"{decision.Message} A human approved it, but Interlock could not record the approval in its audit trail ({failure}), so it was not run. Ask the user to fix the state directory, then retry.";
                    break;
                case Verdict.Ask:
                    return decision.Message + " No human approved it, so it was not run.";
                default:
                    return decision.Message;
            }
            return inner is not null
                ? await inner(context, cancellationToken).ConfigureAwait(false)
                : await context.Function.InvokeAsync(context.Arguments, cancellationToken).ConfigureAwait(false);
        };
        return client;
    }
}
