using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.CloudChecks;

namespace Interlock.Tests.Knowledge;

public sealed class GsutilTests
{
    [Theory]
    [InlineData("gsutil rm gs://b/file.txt")]
    [InlineData("gsutil rm -r gs://b/dir")]
    [InlineData("gsutil -m rm -r gs://b")]
    [InlineData("gsutil rm -a gs://b/**")]
    [InlineData("gsutil -m rm gs://b/*.log")]
    [InlineData("gsutil rb gs://old")]
    [InlineData("gsutil rsync -d -r ./dist gs://site")]
    [InlineData("gsutil -m rsync -rd ./dist gs://site")]
    [InlineData("gsutil -o GSUtil:parallel_composite_upload_threshold=150M rm gs://b/x")]
    public void Deletions_ask(string command) => Asks(command, EffectKind.DestroyData);

    [Theory]
    [InlineData("gsutil -m rm -r gs://prod-backups", "bucket `prod-backups`")]
    [InlineData("gsutil rb gs://assets-production", "bucket `assets-production`")]
    [InlineData("gsutil -u acme-prod rm gs://b/x", "GCP project `acme-prod`")]
    [InlineData("gsutil -m rsync -rd ./build gs://prod-site", "bucket `prod-site`")]
    public void Production_deletions_need_two_approvers(string command, string evidence) =>
        AsksInProduction(command, EffectKind.DestroyData, evidence);

    [Fact]
    public void Recursive_bucket_deletion_says_so()
    {
        var e = Asks("gsutil rm -r gs://b", EffectKind.DestroyData);
        Assert.Contains("every object in bucket `b`", e.Description);
        Assert.True(e.Recursive);
    }

    [Fact]
    public void Rsync_delete_into_a_local_directory_deletes_local_files() =>
        Has("gsutil rsync -d gs://b ./src", EffectKind.DeletePath);

    [Fact]
    public void Uploads_to_production_need_two_approvers() =>
        AsksInProduction("gsutil -m cp -r dist gs://prod-site", EffectKind.ChangeInfrastructure, "bucket `prod-site`");

    [Theory]
    [InlineData("gsutil ls gs://prod-backups")]
    [InlineData("gsutil cat gs://b/f")]
    [InlineData("gsutil du -s gs://b")]
    [InlineData("gsutil cp gs://prod-backups/db.sql .")]
    [InlineData("gsutil rsync -n -d -r ./dist gs://prod-site")]
    [InlineData("gsutil versioning get gs://b")]
    [InlineData("gsutil iam get gs://b")]
    [InlineData("gsutil version -l")]
    public void Read_only_and_dry_run_forms_have_no_effects(string command) => NoEffects(command);
}
