using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

public sealed class DockerTests
{
    private static Decision Check(string command) => TestWorld.Check(command);

    [Theory]
    [InlineData("docker volume rm pgdata")]
    [InlineData("docker volume remove pgdata")]
    [InlineData("podman volume rm pgdata")]
    [InlineData("nerdctl volume rm pgdata")]
    [InlineData("docker volume prune -f")]
    [InlineData("docker system prune -af --volumes")]
    [InlineData("docker rm -v web")]
    [InlineData("docker compose down -v")]
    [InlineData("docker compose down --volumes")]
    [InlineData("docker-compose down -v")]
    [InlineData("docker compose rm -fsv")]
    [InlineData("podman system reset -f")]
    public void Volume_data_loss_is_destroy_data(string command)
    {
        var d = Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.DestroyData);
        Assert.Equal(1, d.RequiredApprovals);
    }

    [Fact]
    public void Volume_removal_names_the_volume()
    {
        var e = Assert.Single(Check("docker volume rm pgdata").Effects);
        Assert.Equal("deletes Docker volume `pgdata` and all the data in it", e.Description);
    }

    [Theory]
    [InlineData("docker --context prod volume rm pgdata")]
    [InlineData("docker -H ssh://deploy@prod-web-1 volume rm pgdata")]
    [InlineData("docker volume rm prod_pgdata")]
    [InlineData("docker compose -f docker-compose.prod.yml down")]
    [InlineData("docker compose -p shop-prod down -v")]
    [InlineData("docker --context production stop web")]
    [InlineData("docker --context prod run -d nginx")]
    public void Production_engines_and_names_need_two_approvers(string command)
    {
        var d = Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
    }

    [Fact]
    public void The_context_is_named_in_the_description()
    {
        var e = Assert.Single(Check("docker --context prod-eu volume rm pgdata").Effects);
        Assert.Equal("deletes Docker volume `pgdata` on Docker context `prod-eu` and all the data in it", e.Description);
        Assert.Equal(TargetEnvironment.Production, e.Environment);
    }

    [Theory]
    [InlineData("docker system prune -af")]
    [InlineData("docker container prune -f")]
    [InlineData("docker image prune -a")]
    [InlineData("docker builder prune -af")]
    [InlineData("docker rm -f web")]
    [InlineData("docker rm $(docker ps -aq)")]
    [InlineData("docker rmi -f $(docker images -q)")]
    [InlineData("docker kill $(docker ps -q)")]
    [InlineData("docker stop web")]
    [InlineData("docker compose down")]
    [InlineData("docker compose rm -f")]
    [InlineData("docker run -v /:/host alpine")]
    [InlineData("docker run --rm alpine rm -rf /")]
    [InlineData("docker run --rm -v /:/host:ro alpine ls /host")]
    [InlineData("docker run --rm -v \"$PWD\":/app -w /app node:20 npm test")]
    [InlineData("docker run --rm -v \"$PWD\":/app -w /app node:20 rm -rf node_modules")]
    [InlineData("docker exec -it web bash")]
    [InlineData("docker exec web rm -rf /tmp/x")]
    [InlineData("docker --context prod ps")]
    public void Regenerable_and_harmless_forms_are_allowed(string command)
    {
        Assert.Equal(Verdict.Allow, Check(command).Verdict);
    }

    [Fact]
    public void Force_removing_unknown_containers_disrupts_the_system()
    {
        var d = Check("docker rm -f $(docker ps -aq)");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.DisruptSystem);
    }

    [Fact]
    public void Exec_analyses_the_command_in_the_container()
    {
        var d = Check("docker exec -it web rm -rf /");
        Assert.Equal(Verdict.Deny, d.Verdict);
        var e = Assert.Single(d.Effects, x => x.Kind == EffectKind.DeletePath);
        Assert.Equal("container web", e.Source.Context.RemoteHost);
        Assert.Contains("docker exec", e.Source.Context.Via);
    }

    [Fact]
    public void Compose_exec_analyses_the_command_in_the_service()
    {
        var d = Check("docker compose exec -T db sh -c 'rm -rf /var/lib/postgresql/data'");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.DeletePath && e.Source.Context.RemoteHost == "compose service db");
    }

    [Fact]
    public void Run_with_the_host_root_mounted_and_a_command_asks()
    {
        var d = Check("docker run --rm -v /:/host alpine ls /host");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.Indeterminate);
    }

    [Fact]
    public void Deleting_through_a_bind_mount_is_judged_on_the_host_path()
    {
        var d = Check("docker run --rm -v /:/host alpine rm -rf /host");
        Assert.Equal(Verdict.Deny, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.DeletePath && e.Class == PathClass.Root);

        var project = Check("docker run --rm -v $PWD:/app -w /app alpine rm -rf src");
        Assert.Equal(Verdict.Ask, project.Verdict);
        var e = Assert.Single(project.Effects, x => x.Kind == EffectKind.DeletePath);
        Assert.Equal(TestWorld.Project + "/src", e.Target);
        Assert.Contains("on this machine", e.Description);
    }

    [Fact]
    public void Deleting_the_container_root_reaches_into_mounts()
    {
        var d = Check("docker run --rm -v $PWD:/app alpine rm -rf /");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.DeletePath && e.Class == PathClass.ProjectRoot);
    }

    [Fact]
    public void Deleting_in_a_named_volume_destroys_its_data()
    {
        var d = Check("docker run --rm -v pgdata:/data alpine sh -c 'rm -rf /data/*'");
        Assert.Equal(Verdict.Ask, d.Verdict);
        var e = Assert.Single(d.Effects, x => x.Kind == EffectKind.DestroyData);
        Assert.Equal("volume pgdata", e.Target);
    }

    [Fact]
    public void Images_whose_entrypoint_is_a_known_cli_are_analysed_as_that_cli()
    {
        var d = Check("docker run --rm bitnami/kubectl:1.30 --context prod delete ns payments");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("docker volume")]
    [InlineData("docker volume rm")]
    [InlineData("docker run")]
    [InlineData("docker run -v")]
    [InlineData("docker run -v ::: alpine rm -rf /x")]
    [InlineData("docker run --mount type=bind alpine rm -rf /x")]
    [InlineData("docker run --mount , alpine rm -rf /x")]
    [InlineData("docker exec")]
    [InlineData("docker exec web")]
    [InlineData("docker --context")]
    [InlineData("docker compose")]
    [InlineData("docker compose -f")]
    [InlineData("docker compose exec")]
    [InlineData("docker-compose")]
    [InlineData("docker service scale =")]
    [InlineData("podman machine rm")]
    public void Odd_arguments_never_throw(string command)
    {
        Assert.NotEqual("internal-error", Check(command).RuleId);
    }
}
