using Interlock.Cli;
using Interlock.Core;

namespace Interlock.Guard;

/// <summary>What the guard decided for one action, and the sentence to give the agent (empty for allow).</summary>
public sealed record GuardDecision(Decision Decision, string Message)
{
    public Verdict Verdict => Decision.Verdict;
}

/// <summary>Decides an agent's action before it runs: allow, ask (a human must approve) or deny.</summary>
public interface IGuard
{
    ValueTask<GuardDecision> DecideAsync(ActionRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// The Interlock engine in-process, over the real machine (file contents, git state, home directory). The engine
/// never throws: an internal error is a deny that says so. <paramref name="world"/> replaces the machine (tests).
/// </summary>
public sealed class Guard(Engine? engine = null, Func<IWorldView>? world = null) : IGuard
{
    private readonly Engine _engine = engine ?? new Engine();
    private readonly Func<IWorldView> _world = world ?? (() => new FileSystemWorld());

    public ValueTask<GuardDecision> DecideAsync(ActionRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var decision = _engine.Evaluate(request, _world());
        var tool = request.Command is not null ? "Bash" : request.File is { } f ? f.Kind.ToString() : request.Tool;
        return ValueTask.FromResult(new GuardDecision(decision, DecisionMessages.Describe(decision, tool)));
    }
}
