using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

public sealed class PublishingTests
{
    [Theory]
    [InlineData("npm unpublish my-lib@1.2.3", "version 1.2.3 of `my-lib`")]
    [InlineData("npm unpublish @acme/ui@2.0.0", "version 2.0.0 of `@acme/ui`")]
    [InlineData("npm unpublish my-lib --force", "every version of the package `my-lib`")]
    [InlineData("npm unpublish", "the package in the current directory")]
    [InlineData("npm --registry https://npm.acme.dev unpublish x@1.0.0", "https://npm.acme.dev")]
    [InlineData("pnpm unpublish @acme/ui@2.0.0", "version 2.0.0")]
    [InlineData("yarn npm unpublish", "the package in the current directory")]
    [InlineData("yarn unpublish old-lib", "every version")]
    [InlineData("nuget delete Acme.Core 1.0.0 -Source https://api.nuget.org/v3/index.json", "version 1.0.0 of the package `Acme.Core` from https://api.nuget.org/v3/index.json")]
    [InlineData("dotnet nuget delete Acme.Core 1.0.0 --source feed --non-interactive", "version 1.0.0 of the package `Acme.Core` from feed")]
    [InlineData("gem yank acme -v 1.0.0", "version 1.0.0 of the gem `acme`")]
    [InlineData("gem yank acme --version 1.0.0", "version 1.0.0 of the gem `acme`")]
    [InlineData("cargo yank --version 0.3.1 acme-core", "version 0.3.1 of the crate `acme-core`")]
    [InlineData("cargo yank --vers 0.3.1 acme-core", "version 0.3.1")]
    [InlineData("cargo yank acme-core@0.3.1", "version 0.3.1 of the crate `acme-core`")]
    public void Withdrawing_published_versions_asks(string command, string words)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("publish.delete", d.RuleId);
        Assert.Contains(words, Assert.Single(d.Effects).Description);
    }

    [Theory]
    [InlineData("npm deprecate my-lib@1.2.3 'use 1.2.4'")]
    [InlineData("npm unpublish my-lib@1.2.3 --dry-run")]
    [InlineData("npm publish")]
    [InlineData("npm run unpublish")]
    [InlineData("npm view my-lib versions")]
    [InlineData("npm install")]
    [InlineData("yarn add lodash")]
    [InlineData("cargo yank --undo --version 0.3.1 acme-core")]
    [InlineData("cargo build --release")]
    [InlineData("gem push acme-1.0.1.gem")]
    [InlineData("dotnet nuget push pkg.nupkg")]
    [InlineData("dotnet build")]
    [InlineData("dotnet test tests/Interlock.Tests")]
    [InlineData("nuget list Acme")]
    [InlineData("cargo --version")]
    [InlineData("npm --version")]
    public void Publishing_and_reading_are_allowed(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.Empty(d.Effects);
    }
}
