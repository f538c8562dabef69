using Interlock.Core.Environments;

namespace Interlock.Core.Knowledge;

/// <summary>
/// <c>supabase db reset</c> recreates the database from the migrations and seed: every row is lost. By default it
/// resets the local development stack; <c>--linked</c> resets the linked project's remote database (its ref is in
/// <c>supabase/.temp/project-ref</c>, written by <c>supabase link</c>) and <c>--db-url</c> the server it names, both
/// read for the environment. Deleting projects and other resources is the generic service rules' (<see cref="ServiceClis"/>).
/// </summary>
public sealed class Supabase : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["supabase"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (CloudArgs.Has(args, "--help", "-h", "--version", "--dry-run")) return;
        var words = CloudArgs.Operands(args, o => o is "--db-url" or "--workdir" or "--project-ref" or "--version" or "--output" or "-o");
        if (words.Count < 2 || words[0].Text != "db" || words[1].Text != "reset") return;
        (TargetEnvironment, string?) env;
        string where;
        if (CloudArgs.Value(args, "--db-url")?.Text is { } url && DatabaseTargets.FromUrl(url, "--db-url") is { } target)
        {
            env = CloudArgs.Environment(ctx, [], target.Hints());
            where = SqlClients.Where(target.Host, target.Database);
        }
        else if (CloudArgs.Has(args, "--linked"))
        {
            var root = ctx.World.FindRepositoryRoot(KnowledgeContext.Cwd(inv) ?? "") ?? KnowledgeContext.Cwd(inv);
            var reference = root is null ? null : EnvironmentSources.Read(ctx.World, inv, root.TrimEnd('/') + "/supabase/.temp/project-ref")?.Trim();
            env = CloudArgs.Environment(ctx, [], reference is null ? [] : [new EnvironmentHint("Supabase project", reference, "supabase/.temp/project-ref")]);
            where = reference is null ? "the linked Supabase project's database" : $"the database of the linked Supabase project `{reference}`";
            if (env.Item2 is null) env = (TargetEnvironment.Unknown, "the linked remote project (--linked), not the local stack");
        }
        else
        {
            env = (TargetEnvironment.Development, "the local Supabase stack (no --linked or --db-url)");
            where = "the local Supabase database";
        }
        CloudArgs.Add(effects, EffectKind.DestroyData, where, $"`supabase db reset` drops and recreates {where} from the migrations and seed: every row in it is lost", inv, env, recursive: true);
    }
}
