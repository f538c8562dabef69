using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Interlock.Core;
using Interlock.State;
using Interlock.State.Approvals;
using Interlock.State.Identity;
using Interlock.State.Wire;

namespace Interlock.Server;

/// <summary>What the server answers a decision call with.</summary>
/// <param name="Status">allowed, denied, granted (an approved action, now used), pending (waiting for humans),
/// rejected (a human denied it), expired, harness-prompt (an ask the harness's own prompt approves).</param>
public sealed record ServerDecision(Verdict Verdict, string Status, string RuleId, string Reason, string? Alternative, string? RequestId,
    int RequiredApprovals, string? ApproverGroup, string Environment, string? Repository, IReadOnlyList<Effect> Effects);

/// <summary>
/// The approval server's logic, independent of HTTP: decide an agent's action with the server's own engine and
/// policy, turn an ask into a request bound to the exact action, wait (bounded) for humans, use a grant once;
/// record votes under the two-person rule; write the central audit trail.
/// </summary>
public sealed class ApprovalService(ServerStore store, ServerOptions options, ChangeFeed changes, Webhooks webhooks, TimeProvider time)
{
    private readonly Engine _engine = options.Policy is { } policy ? new(policy) : new(options.Engine);
    private readonly ConcurrentDictionary<string, (Principal? Principal, long Until)> _auth = new(StringComparer.Ordinal);

    public ServerOptions Options => options;
    public ServerStore Store => store;
    public ChangeFeed Changes => changes;
    public TimeProvider Time => time;

    /// <summary>Failed token authentications per client address (<see cref="Api.CallerOf"/> counts them and pauses
    /// an address over <see cref="ServerOptions.TokenFailuresPerAddress"/>).</summary>
    public AttemptLimiter TokenFailures { get; } = new(options.TokenFailuresPerAddress, options.TokenFailureWindow);

    /// <summary>The principal for a bearer secret, or null. Answers are remembered for
    /// <see cref="ServerOptions.AuthCacheFor"/> (keyed by the secret's hash, at most 10,000 entries), so a decision
    /// call does not wait behind the audit commit for a token lookup. The price, by design and tested: a token revoked
    /// by another process (`interlock admin token revoke`, another replica) keeps working on this server for at most
    /// that long; a sign-out on this server takes effect at once (<see cref="ForgetAuthentication"/>).</summary>
    public async Task<Principal?> AuthenticateAsync(string secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 200) return null;
        var key = TokenSecrets.Hash(secret);
        var now = time.GetTimestamp();
        if (_auth.TryGetValue(key, out var cached) && cached.Until > now) return cached.Principal;
        var principal = await store.RunAsync((_, _, ids) => ids.AuthenticateAsync(secret, time.GetUtcNow()).AsTask());
        if (_auth.Count > 10_000) _auth.Clear();
        _auth[key] = (principal, now + (long)(options.AuthCacheFor.TotalSeconds * time.TimestampFrequency));
        return principal;
    }

    public void ForgetAuthentication(string secret) => _auth.TryRemove(TokenSecrets.Hash(secret), out _);

    public async Task<ServerDecision> DecideAsync(Principal agent, DecisionCall call, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var request = call.Request;
        var decision = _engine.Evaluate(request, call.World);
        var repository = call.World.FindRepositoryRoot(request.Cwd);
        // The same reading of the environment as the local approval stage: any production evidence wins.
        var (environment, _) = Interlock.Core.Knowledge.KnowledgeContext.Strictest(decision.Effects.Select(e => (e.Environment, e.EnvironmentEvidence)).ToArray());
        var envText = environment.ToString().ToLowerInvariant();
        var (required, group, grantValidFor) = options.ApprovalsFor(decision);
        ServerDecision result;
        if (decision.Verdict != Verdict.Ask)
        {
            result = new ServerDecision(decision.Verdict, decision.Verdict == Verdict.Allow ? "allowed" : "denied", decision.RuleId, decision.Reason,
                decision.Alternative, null, 1, null, envText, repository, decision.Effects);
        }
        else if (Interlock.Core.Policy.ApprovalRoute.HarnessMayApprove(options.HarnessPrompt, decision, call.HarnessCanAsk, userModeWithoutServer: false))
        {
            // The server's policy lets the harness's own prompt approve this (non-production) ask: no request is made.
            result = new ServerDecision(Verdict.Ask, HarnessPromptStatus, decision.RuleId, decision.Reason, decision.Alternative, null, 1, null, envText, repository, decision.Effects);
        }
        else
        {
            var fingerprint = ActionFingerprint.Compute(request, repository, envText);
            var now = time.GetUtcNow();
            var granted = await store.RunAsync((_, approvals, _) => approvals.ConsumeGrantAsync(fingerprint, agent.Name, now).AsTask());
            if (granted is not null)
            {
                result = Granted(decision, granted, envText, repository);
                changes.Publish();
                webhooks.Notify("request.consumed", granted);
            }
            else
            {
                var submission = new ApprovalSubmission
                {
                    Fingerprint = fingerprint,
                    AgentId = agent.Name,
                    Operator = agent.Token.Operator,
                    Harness = call.Harness,
                    SessionId = call.SessionId,
                    Tool = request.Tool,
                    Action = Summary(request),
                    Cwd = request.Cwd,
                    Repository = repository,
                    Host = call.Host,
                    Branch = repository is null ? null : call.World.CurrentBranch(repository),
                    Environment = envText,
                    RuleId = decision.RuleId,
                    Reason = decision.Reason,
                    EffectsJson = AuditEffects.Json(decision.Effects, decision.Matches),
                    RequiredApprovals = required,
                    ApproverGroup = group,
                    PendingFor = options.PendingFor,
                    GrantValidFor = grantValidFor,
                };
                var pending = await store.RunAsync((_, approvals, _) => approvals.SubmitAsync(submission, now).AsTask());
                if (Math.Abs((pending.CreatedAt - now).TotalMilliseconds) < 1)
                {
                    changes.Publish();
                    webhooks.Notify("request.created", pending);
                }
                var wait = TimeSpan.FromMilliseconds(Math.Min(call.WaitMs, options.HookWait.TotalMilliseconds));
                var settled = await WaitAsync(pending.Id, wait, ct);
                ApprovalRequest? used = null;
                if (settled.Status == ApprovalStatus.Approved)
                {
                    used = await store.RunAsync((_, approvals, _) => approvals.ConsumeGrantAsync(fingerprint, agent.Name, time.GetUtcNow()).AsTask());
                    if (used is not null) { changes.Publish(); webhooks.Notify("request.consumed", used); }
                    else settled = (await store.RunAsync((_, approvals, _) => approvals.GetAsync(pending.Id).AsTask()))!;
                }
                result = used is not null ? Granted(decision, used, envText, repository) : settled.Status switch
                {
                    ApprovalStatus.Denied => Rejected(decision, settled, envText, repository),
                    ApprovalStatus.Expired => new ServerDecision(Verdict.Deny, "expired", decision.RuleId,
                        $"request {settled.Id} for this action expired before it was approved and used ({DecisionMessages.Clause(decision.Reason)}).",
                        "Retry the action to ask again, and tell the user it needs approval.", settled.Id, required, group, envText, repository, decision.Effects),
                    ApprovalStatus.Consumed or ApprovalStatus.Approved => new ServerDecision(Verdict.Deny, "used", decision.RuleId,
                        $"the approval of request {settled.Id} was already used by another call: a grant allows the action once.",
                        "Retry to ask for approval again.", settled.Id, required, group, envText, repository, decision.Effects),
                    _ => Pending(decision, settled, envText, repository),
                };
            }
        }
        await AuditAsync(call, agent, result, Stopwatch.GetElapsedTime(started));
        return result;
    }

    /// <summary>The status of an ask left to the harness's own prompt (the audit record carries it).</summary>
    public const string HarnessPromptStatus = "harness-prompt";

    private static ServerDecision Granted(Decision d, ApprovalRequest r, string env, string? repo) =>
        new(Verdict.Allow, "granted", "approval.granted",
            $"approved by {string.Join(" and ", r.Votes.Where(v => v.Approve && v.Approver != r.Action.Operator).Select(v => v.Approver))} (request {r.Id}); this grant is now used and allows this exact action once",
            null, r.Id, r.Action.RequiredApprovals, r.Action.ApproverGroup, env, repo, d.Effects);

    private static ServerDecision Rejected(Decision d, ApprovalRequest r, string env, string? repo)
    {
        var deny = r.Votes.FirstOrDefault(v => !v.Approve);
        var why = deny is null ? "" : $"{deny.Approver} denied it{(string.IsNullOrEmpty(deny.Comment) ? "" : $": \"{deny.Comment}\"")}";
        return new(Verdict.Deny, "rejected", d.RuleId, DecisionMessages.Sentences($"a human denied request {r.Id} ({why})", $"The action was: {d.Reason}"),
            "Do not retry this action; ask the user what they want instead.", r.Id, r.Action.RequiredApprovals, r.Action.ApproverGroup, env, repo, d.Effects);
    }

    private static ServerDecision Pending(Decision d, ApprovalRequest r, string env, string? repo)
    {
        var who = r.Action.ApproverGroup is { } g ? $" from members of `{g}`" : "";
        var need = Plural.Of(r.Action.RequiredApprovals, "approval") + who;
        return new(Verdict.Deny, "pending", d.RuleId,
            DecisionMessages.Sentences(d.Reason, $"It needs {need} (the agent's operator does not count); request {r.Id} is waiting ({r.CountedApprovals} of {r.Action.RequiredApprovals} so far)"),
            $"Ask a human to approve request {r.Id} in the Interlock dashboard or with `interlock approve {r.Id}`, then retry exactly the same action: it will be allowed once.",
            r.Id, r.Action.RequiredApprovals, r.Action.ApproverGroup, env, repo, d.Effects);
    }

    /// <summary>Waits until the request is no longer pending or the time is up: woken by any replica's changes
    /// (<see cref="ChangeFeed"/>), and polling the store as a safety net.</summary>
    public async Task<ApprovalRequest> WaitAsync(string id, TimeSpan wait, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var next = changes.Next;
            var r = (await store.RunAsync((_, approvals, _) => approvals.GetAsync(id).AsTask()))!;
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (r.Status != ApprovalStatus.Pending || left <= TimeSpan.Zero || ct.IsCancellationRequested) return r;
            var interval = store.ListeningForReplicas ? options.ListeningPollInterval : options.PollInterval;
            var poll = left < interval ? left : interval;
            try { await Task.WhenAny(next, Task.Delay(poll, ct)); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>A human's vote. Agents never get here (the API refuses their tokens).</summary>
    public async Task<VoteResult> VoteAsync(Principal human, string id, bool approve, string? comment)
    {
        if (!human.IsHuman) throw new InvalidOperationException("only humans vote");
        var result = await store.RunAsync((_, approvals, _) => approvals.VoteAsync(id, human.Name, human.Groups.ToArray(), approve, comment, time.GetUtcNow()).AsTask());
        if (result.Outcome is VoteOutcome.Counted or VoteOutcome.Decided && result.Request is { } r)
        {
            var verb = approve ? "approve" : "deny";
            await AuditAsync(new DecisionCall("dashboard", null, new ActionRequest(r.Action.Tool, r.Action.Action, r.Action.Cwd), new WorldFacts(), 0), human,
                new ServerDecision(approve ? Verdict.Allow : Verdict.Deny, verb, $"approval.{verb}", $"{human.Name} voted to {verb} request {r.Id}{(string.IsNullOrEmpty(comment) ? "" : $": \"{comment}\"")}; it is now {r.Status.ToString().ToLowerInvariant()}",
                    null, r.Id, r.Action.RequiredApprovals, r.Action.ApproverGroup, r.Action.Environment, r.Action.Repository, []), TimeSpan.Zero);
            changes.Publish();
            if (result.Outcome == VoteOutcome.Decided) webhooks.Notify(r.Status == ApprovalStatus.Approved ? "request.approved" : "request.denied", r);
        }
        return result;
    }

    private async Task AuditAsync(DecisionCall call, Principal who, ServerDecision d, TimeSpan took)
    {
        var request = call.Request;
        var entry = new AuditEntry(time.GetUtcNow(), call.Harness, call.SessionId ?? (who.IsHuman ? $"human:{who.Name}" : $"agent:{who.Name}"), request.Cwd, request.Tool,
            $"{Summary(request)}", d.Verdict.ToString().ToLowerInvariant(), d.RuleId,
            $"[{d.Status}{(d.RequestId is null ? "" : " " + d.RequestId)}; {(who.IsHuman ? "human" : "agent")} {who.Name}{(who.Token.Operator is { } op ? $", operator {op}" : "")}] {d.Reason}",
            AuditEffects.Json(d.Effects), (long)took.TotalMicroseconds);
        await store.AppendAuditAsync(entry);
    }

    public static string Summary(ActionRequest r) =>
        r.Command ?? (r.File is { } f ? $"{f.Kind} {f.Path}" : r.ToolArguments ?? r.Tool);
}
