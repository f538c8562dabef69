using System.Text.Json;
using System.Text.Json.Nodes;
using Interlock.Guard;
using Microsoft.Extensions.AI;

// Usage: Interlock.GuardHost <cwd> <session> [--approve yes|no]
// Reads one function call per stdin line, {"name": "...", "arguments": {...}}, has a scripted model ask for it through
// the Microsoft.Extensions.AI middleware with `new Guard(...)`, and prints one line per call:
// {"ran": true|false, "result": "..."}. --approve answers every ask in-process (an Approve callback); without it the
// guard cannot ask a human, as for a harness without ask.
if (args.Length is not (2 or 4) || args.Length == 4 && (args[2] != "--approve" || args[3] is not ("yes" or "no")))
{
    Console.Error.WriteLine("usage: Interlock.GuardHost <cwd> <session> [--approve yes|no]  (calls as JSON lines on stdin)");
    return 64;
}
var cwd = args[0];
var approve = args.Length == 4 ? args[3] == "yes" : (bool?)null;
var guard = new Guard(new GuardSettings { SessionId = args[1] });
string? line;
while ((line = Console.In.ReadLine()) is not null)
{
    var call = JsonNode.Parse(line)!.AsObject();
    var name = (string)call["name"]!;
    var arguments = call["arguments"]!.AsObject().ToDictionary(p => p.Key, p => (object?)JsonSerializer.SerializeToElement(p.Value));
    var ran = false;
    var function = AIFunctionFactory.Create((JsonElement _) => { ran = true; return "ok"; }, name);
    var model = new OneCall(new FunctionCallContent("call-1", name, arguments));
    using var client = new ChatClientBuilder(model)
        .UseInterlockGuard(guard, new GuardOptions
        {
            WorkingDirectory = cwd,
            ToolSource = "testdb",
            Approve = approve is { } a ? (_, _) => ValueTask.FromResult(a) : null,
        })
        .Build();
    await client.GetResponseAsync("go", new ChatOptions { Tools = [new Passthrough(name, function)] });
    Console.Out.WriteLine(new JsonObject { ["ran"] = ran, ["result"] = model.Result }.ToJsonString());
}
return 0;

/// <summary>Asks for one function call, then stops; keeps what the function call returned.</summary>
sealed class OneCall(FunctionCallContent call) : IChatClient
{
    public string? Result { get; private set; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().FirstOrDefault();
        if (result is null) return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [call])));
        Result = result.Result?.ToString();
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "done")));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates()) yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

/// <summary>A function with any arguments: records that it ran.</summary>
sealed class Passthrough(string name, AIFunction inner) : AIFunction
{
    public override string Name => name;

    public override JsonElement JsonSchema => inner.JsonSchema;

    protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
        inner.InvokeAsync(new AIFunctionArguments { ["_"] = JsonSerializer.SerializeToElement(0) }, cancellationToken);
}
