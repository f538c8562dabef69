using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.CloudChecks;

namespace Interlock.Tests.Knowledge;

public sealed class AzTests
{
    [Theory]
    [InlineData("az group delete --name my-rg --yes")]
    [InlineData("az vm delete -g my-rg -n vm1 --yes")]
    [InlineData("az aks delete -g rg -n aks1")]
    [InlineData("az network vnet delete -g rg -n vnet1")]
    [InlineData("az resource delete --ids /subscriptions/1/resourceGroups/rg/providers/Microsoft.Web/sites/app")]
    [InlineData("az vmss delete-instances -g rg -n ss --instance-ids 1 2")]
    [InlineData("az rest --method delete --url https://management.azure.com/x")]
    public void Infrastructure_deletions_ask(string command) => Asks(command, EffectKind.DestroyInfrastructure);

    [Theory]
    [InlineData("az storage blob delete-batch -s uploads --account-name acct")]
    [InlineData("az storage account delete -n acct -g rg --yes")]
    [InlineData("az storage container delete -n backups --account-name acct")]
    [InlineData("az sql db delete -g rg -s server -n appdb --yes")]
    [InlineData("az keyvault delete --name kv")]
    [InlineData("az keyvault purge --name kv")]
    [InlineData("az cosmosdb delete -n db -g rg")]
    [InlineData("az monitor log-analytics workspace delete -g rg -n logs --force")]
    public void Data_deletions_ask(string command) => Asks(command, EffectKind.DestroyData);

    [Theory]
    [InlineData("az group delete -n rg-prod-eu -y", EffectKind.DestroyInfrastructure, "resource `rg-prod-eu`")]
    [InlineData("az group delete --name app --subscription production", EffectKind.DestroyInfrastructure, "subscription `production`")]
    [InlineData("az vm delete --resource-group prod-rg --name web1", EffectKind.DestroyInfrastructure, "resource group `prod-rg`")]
    [InlineData("az postgres flexible-server delete -g rg -n pg-prod --yes", EffectKind.DestroyData, "resource `pg-prod`")]
    public void Production_deletions_need_two_approvers(string command, EffectKind kind, string evidence) =>
        AsksInProduction(command, kind, evidence);

    [Fact]
    public void Group_delete_names_everything_in_it_and_yes()
    {
        var e = Asks("az group delete --name my-rg --yes", EffectKind.DestroyInfrastructure);
        Assert.Contains("every resource in it", e.Description);
        Assert.Contains("--yes", e.Description);
    }

    [Fact]
    public void Soft_delete_is_reversible_but_purge_is_not()
    {
        Assert.True(Asks("az keyvault delete --name kv", EffectKind.DestroyData).Reversible);
        Assert.Contains("cannot be recovered", Asks("az keyvault purge --name kv", EffectKind.DestroyData).Description);
    }

    [Fact]
    public void Scaling_aks_to_zero_removes_its_workloads() =>
        Asks("az aks scale -g rg -n aks1 --node-count 0", EffectKind.DeleteClusterResources);

    [Theory]
    [InlineData("az webapp deploy -g prod-rg -n api --src-path app.zip")]
    [InlineData("az deployment group create -g rg-prod -f main.bicep")]
    [InlineData("az vm stop -g rg -n vm1 --subscription prod")]
    public void Production_changes_need_two_approvers(string command) =>
        AsksInProduction(command, EffectKind.ChangeInfrastructure, "prod");

    [Theory]
    [InlineData("az deployment group create -g dev-rg -f main.bicep")]
    [InlineData("az vm start -g dev-rg -n vm1")]
    [InlineData("az rest --method put --url https://management.azure.com/x")]
    public void Changes_outside_production_are_allowed(string command) => AllowedChange(command);

    [Theory]
    [InlineData("az group list")]
    [InlineData("az group show -n prod-rg")]
    [InlineData("az vm list -g prod-rg -o table")]
    [InlineData("az account show")]
    [InlineData("az account set --subscription production")]
    [InlineData("az login")]
    [InlineData("az aks get-credentials -g prod-rg -n prod-aks")]
    [InlineData("az storage blob list -c c --account-name a")]
    [InlineData("az storage blob download -c c -n a.txt -f a.txt --account-name a")]
    [InlineData("az storage blob delete-batch -s c --account-name a --dryrun")]
    [InlineData("az deployment group what-if -g prod-rg -f main.bicep")]
    [InlineData("az deployment group create -g prod-rg -f main.bicep --what-if")]
    [InlineData("az rest --method get --url https://management.azure.com/x")]
    [InlineData("az version")]
    [InlineData("az --version")]
    [InlineData("az group delete --help")]
    public void Read_only_forms_have_no_effects(string command) => NoEffects(command);

    [Fact]
    public void A_computed_command_is_indeterminate() => Has("az $GROUP delete -n x", EffectKind.Indeterminate);
}
