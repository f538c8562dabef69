using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.EffectAssertions;

namespace Interlock.Tests.Knowledge;

public sealed class ServiceClisTests
{
    [Theory]
    [InlineData("vault kv destroy -versions=1-3 secret/app")]
    [InlineData("vault --namespace admin secrets disable kv/")]
    [InlineData("op item delete 'Database Password'")]
    [InlineData("doppler secrets delete API_KEY --project backend --config dev -y")]
    [InlineData("rclone purge remote:bucket")]
    [InlineData("rclone sync /src remote:bucket")]
    [InlineData("restic forget --keep-last 1 --prune")]
    [InlineData("borg delete repo::archive")]
    [InlineData("velero backup delete --all --confirm")]
    [InlineData("kafka-topics --bootstrap-server localhost:9092 --delete --topic payments")]
    [InlineData("rabbitmqctl delete_vhost /prod")]
    [InlineData("nats stream purge ORDERS")]
    [InlineData("mc rb --force myminio/bucket")]
    [InlineData("java -jar jenkins-cli.jar -s http://jenkins.local/ delete-job deploy")]
    [InlineData("gitlab-runner unregister --all-runners")]
    [InlineData("fastly service delete --force")]
    [InlineData("wrangler r2 object delete bucket/key")]
    [InlineData("curl -X DELETE 'http://localhost:9200/logs-2024'")]
    [InlineData("curl -X POST 'http://localhost:9200/logs/_delete_by_query' -d '{}'")]
    [InlineData("http DELETE :7700/indexes/products")]
    [InlineData("wget --method=DELETE https://api.example.com/items/1")]
    public void Destructive_service_operations_ask(string command) => Assert.Equal(Verdict.Ask, TestWorld.Check(command).Verdict);

    [Theory]
    [InlineData("op item list")]
    [InlineData("rclone ls remote:bucket")]
    [InlineData("rclone sync /src /backup")]
    [InlineData("restic snapshots")]
    [InlineData("restic forget --keep-last 1 --dry-run")]
    [InlineData("kafka-topics --bootstrap-server localhost:9092 --list")]
    [InlineData("curl -fsSL https://example.com/install.txt -o install.txt")]
    [InlineData("curl -X POST http://localhost:3000/api/items -d '{\"a\":1}'")]
    [InlineData("http GET :8080/health")]
    [InlineData("java -jar app.jar --port 8080")]
    public void Reads_and_ordinary_requests_are_allowed(string command) => None(command);

    [Fact]
    public void Writes_to_production_apis_ask_with_two_approvers()
    {
        var d = TestWorld.Check("curl -X PUT https://api.prod.example.com/v1/config -d '{}'");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
    }

    [Theory]
    [InlineData("scp passwd root@server:/etc/passwd", Verdict.Deny)]
    [InlineData("scp -r backup/ root@server:/", Verdict.Deny)]
    [InlineData("scp data.db user@host:/var/lib/", Verdict.Allow)]
    [InlineData("scp notes.txt host:notes/", Verdict.Allow)]
    public void Scp_onto_remote_system_paths_is_judged_like_a_local_write(string command, Verdict expected) =>
        Assert.Equal(expected, TestWorld.Check(command).Verdict);
}
