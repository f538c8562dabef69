using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.CloudChecks;

namespace Interlock.Tests.Knowledge;

public sealed class GcloudTests
{
    [Theory]
    [InlineData("gcloud projects delete my-project")]
    [InlineData("gcloud container clusters delete dev-cluster --zone us-central1-a")]
    [InlineData("gcloud container node-pools delete pool-1 --cluster dev")]
    [InlineData("gcloud compute instances delete vm-1 vm-2")]
    [InlineData("gcloud functions delete fn")]
    [InlineData("gcloud run services delete api --region us-central1")]
    [InlineData("gcloud beta compute instances delete vm-1")]
    [InlineData("gcloud iam service-accounts delete sa@p.iam.gserviceaccount.com")]
    public void Infrastructure_deletions_ask(string command) => Asks(command, EffectKind.DestroyInfrastructure);

    [Theory]
    [InlineData("gcloud sql instances delete my-db")]
    [InlineData("gcloud sql databases delete app --instance=dev-db")]
    [InlineData("gcloud compute disks delete data-disk")]
    [InlineData("gcloud storage rm gs://b/file.txt")]
    [InlineData("gcloud storage rm -r gs://b")]
    [InlineData("gcloud storage buckets delete gs://old")]
    [InlineData("gcloud storage rsync ./dist gs://site --recursive --delete-unmatched-destination-objects")]
    [InlineData("gcloud secrets delete db-password")]
    [InlineData("gcloud kms keys versions destroy 1 --key k --keyring r --location global")]
    public void Data_deletions_ask(string command) => Asks(command, EffectKind.DestroyData);

    [Theory]
    [InlineData("gcloud projects delete acme-prod --quiet", EffectKind.DestroyInfrastructure, "project `acme-prod`")]
    [InlineData("gcloud sql instances delete db --project acme-prod", EffectKind.DestroyData, "GCP project `acme-prod`")]
    [InlineData("gcloud --project=acme-production compute instances delete vm-1", EffectKind.DestroyInfrastructure, "GCP project `acme-production`")]
    [InlineData("gcloud container clusters delete prod-gke --region us-east1", EffectKind.DestroyInfrastructure, "cluster `prod-gke`")]
    [InlineData("gcloud storage rm --recursive gs://prod-assets/images/", EffectKind.DestroyData, "bucket `prod-assets`")]
    [InlineData("gcloud container node-pools delete pool-1 --cluster prod-gke", EffectKind.DestroyInfrastructure, "GKE cluster `prod-gke`")]
    public void Production_deletions_need_two_approvers(string command, EffectKind kind, string evidence) =>
        AsksInProduction(command, kind, evidence);

    [Fact]
    public void Quiet_is_noted_and_projects_are_restorable()
    {
        var e = Asks("gcloud projects delete my-project -q", EffectKind.DestroyInfrastructure);
        Assert.Contains("--quiet", e.Description);
        Assert.Contains("undelete", e.Description);
        Assert.True(e.Reversible);
    }

    [Fact]
    public void Resizing_a_cluster_to_zero_removes_its_workloads() =>
        Asks("gcloud container clusters resize dev --num-nodes 0", EffectKind.DeleteClusterResources);

    [Theory]
    [InlineData("gcloud run deploy api --image gcr.io/x/api --project acme-prod")]
    [InlineData("gcloud compute instances create vm-1 --project prod-core")]
    [InlineData("gcloud storage cp ./dist/index.html gs://prod-site/")]
    public void Production_changes_need_two_approvers(string command) =>
        AsksInProduction(command, EffectKind.ChangeInfrastructure, "prod");

    [Theory]
    [InlineData("gcloud run deploy api --image x --project acme-dev")]
    [InlineData("gcloud compute instances stop vm-1")]
    [InlineData("gcloud storage cp a.txt gs://dev-site/")]
    public void Changes_outside_production_are_allowed(string command) => AllowedChange(command);

    [Theory]
    [InlineData("gcloud projects list")]
    [InlineData("gcloud projects describe acme-prod")]
    [InlineData("gcloud compute instances list --project acme-prod")]
    [InlineData("gcloud sql instances describe prod-db")]
    [InlineData("gcloud container clusters get-credentials prod-gke --region us-east1")]
    [InlineData("gcloud config set project acme-prod")]
    [InlineData("gcloud auth login")]
    [InlineData("gcloud storage ls gs://prod-assets")]
    [InlineData("gcloud storage cp gs://prod-assets/a.txt .")]
    [InlineData("gcloud logging read 'severity>=ERROR'")]
    [InlineData("gcloud compute ssh vm-1")]
    [InlineData("gcloud compute ssh vm-1 --command 'df -h'")]
    [InlineData("gcloud version")]
    [InlineData("gcloud projects delete x --help")]
    public void Read_only_forms_have_no_effects(string command) => NoEffects(command);

    [Fact]
    public void Ssh_commands_are_analysed_on_the_vm()
    {
        var (d, e) = Has("gcloud compute ssh vm-1 --zone us-central1-a --command 'sudo rm -rf /var/lib/app'", EffectKind.DeletePath);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("vm-1", e.Source.Context.RemoteHost);
        Assert.Equal("/var/lib/app", e.Target);
    }

    [Fact]
    public void Ssh_to_a_production_vm_needs_two_approvers()
    {
        var (d, e) = Has("gcloud compute ssh prod-web-1 --command='rm -rf /srv/www'", EffectKind.DeletePath);
        Assert.Equal(TargetEnvironment.Production, e.Environment);
        Assert.Equal(2, d.RequiredApprovals);
    }

    [Fact]
    public void A_computed_command_is_indeterminate() => Has("gcloud $GROUP instances delete x", EffectKind.Indeterminate);
}
