using Interlock.Guard;
using Microsoft.Extensions.AI;

namespace Interlock.Guard.Sample;

/// <summary>
/// A .NET agent guarded by Interlock: a chat client whose model may call `run_shell_command`. The model here is a
/// scripted fake (<see cref="ScriptedModel"/>) so the sample runs without a network or an API key; swap in any
/// IChatClient (OpenAI, Azure, Ollama...) and the guard works the same.
/// </summary>
public static class SampleAgent
{
    /// <summary>Runs one conversation; returns what the shell tool actually ran and what the model was told.</summary>
    public static async Task<(IReadOnlyList<string> Ran, IReadOnlyList<string> ToolResults, string Answer)> RunAsync(IGuard guard, string workingDirectory, Func<GuardApproval, CancellationToken, ValueTask<bool>>? approve = null)
    {
        var ran = new List<string>();
        var shell = AIFunctionFactory.Create((string command) =>
        {
            ran.Add(command); // a real agent would run the command here
            return $"ok: {command}";
        }, "run_shell_command", "Runs a shell command in the project.");

        var model = new ScriptedModel(["git status", "rm -rf ~", "git reset --hard"]);
        using var client = new ChatClientBuilder(model)
            .UseInterlockGuard(guard, new GuardOptions { WorkingDirectory = workingDirectory, Approve = approve })
            .Build();
        var response = await client.GetResponseAsync("Clean up the repository.", new ChatOptions { Tools = [shell] });
        return (ran, model.ToolResults, response.Text);
    }
}

/// <summary>A fake model: asks for each scripted command in turn, then answers with what the tools returned.</summary>
public sealed class ScriptedModel(IReadOnlyList<string> commands) : IChatClient
{
    private readonly List<string> _results = [];

    public IReadOnlyList<string> ToolResults => _results;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var results = list.SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToList();
        _results.Clear();
        _results.AddRange(results.Select(r => r.Result?.ToString() ?? ""));
        if (results.Count < commands.Count)
        {
            var call = new FunctionCallContent($"call-{results.Count}", "run_shell_command", new Dictionary<string, object?> { ["command"] = commands[results.Count] });
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [call])));
        }
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"Done: {string.Join(" | ", _results)}")));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates()) yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
