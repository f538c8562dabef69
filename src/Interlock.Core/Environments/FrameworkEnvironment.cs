using Interlock.Core.Knowledge;

namespace Interlock.Core.Environments;

/// <summary>
/// The environment a framework's command runs in, from the variable the framework itself reads (set in the
/// command, the script or the hook's environment, else the project's <c>.env</c> files): Rails <c>RAILS_ENV</c> /
/// <c>RACK_ENV</c>, Node <c>NODE_ENV</c>, Laravel/Symfony <c>APP_ENV</c>, ASP.NET Core <c>ASPNETCORE_ENVIRONMENT</c> /
/// <c>DOTNET_ENVIRONMENT</c>, Elixir <c>MIX_ENV</c>, Django <c>DJANGO_SETTINGS_MODULE</c> (<c>app.settings.production</c>),
/// Flask <c>FLASK_ENV</c>.
/// </summary>
public static class FrameworkEnvironment
{
    public static readonly string[] Variables =
        ["RAILS_ENV", "RACK_ENV", "NODE_ENV", "APP_ENV", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "MIX_ENV", "DJANGO_SETTINGS_MODULE", "FLASK_ENV"];

    /// <summary>The value of the first of <paramref name="names"/> that is set, as a hint naming the variable and where it was read.</summary>
    public static List<EnvironmentHint> Hints(KnowledgeContext ctx, Invocation inv, params string[] names)
    {
        foreach (var name in names)
        {
            if (inv.Environment.TryGetValue(name, out var inline) && inline is null) return [];
            var (value, source) = EnvironmentSources.Variable(inv, ctx.World, name);
            if (value is not null) return [new(name, value, source)];
        }
        foreach (var name in names)
            if (DatabaseTargets.DotEnv(ctx, inv, name) is ({ } value, { } file))
                return [new(name, value, $"{file}")];
        return [];
    }
}
