using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.CloudChecks;

namespace Interlock.Tests.Knowledge;

public sealed class TerraformTests
{
    [Theory]
    [InlineData("terraform destroy")]
    [InlineData("terraform destroy -auto-approve")]
    [InlineData("terraform apply -destroy")]
    [InlineData("tofu destroy")]
    [InlineData("terragrunt destroy")]
    [InlineData("terragrunt run-all destroy")]
    [InlineData("terragrunt run --all -- destroy")]
    [InlineData("terraform workspace delete feature-x")]
    [InlineData("terraform taint aws_instance.web")]
    [InlineData("terraform apply -replace=aws_instance.web")]
    [InlineData("terraform apply -auto-approve -replace aws_db_instance.main")]
    public void Destructive_forms_ask(string command) => Asks(command, EffectKind.DestroyInfrastructure);

    [Theory]
    [InlineData("terraform plan")]
    [InlineData("terraform plan -destroy")]
    [InlineData("terraform -chdir=envs/prod plan -destroy -out=x.tfplan")]
    [InlineData("terraform validate")]
    [InlineData("terraform fmt -recursive")]
    [InlineData("terraform output -json")]
    [InlineData("terraform show")]
    [InlineData("terraform graph")]
    [InlineData("terraform providers")]
    [InlineData("terraform version")]
    [InlineData("terraform init -upgrade")]
    [InlineData("terraform workspace list")]
    [InlineData("terraform workspace show")]
    [InlineData("terraform workspace select prod")]
    [InlineData("terraform state list")]
    [InlineData("terraform state show aws_instance.web")]
    [InlineData("terraform destroy -help")]
    [InlineData("terraform -version")]
    [InlineData("terragrunt run-all plan")]
    [InlineData("terraform")]
    public void Read_only_forms_have_no_effects(string command) => NoEffects(command);

    [Fact]
    public void Auto_approve_is_stated_and_marked()
    {
        var e = Asks("terraform destroy -auto-approve", EffectKind.DestroyInfrastructure);
        Assert.Contains("without asking for confirmation", e.Description);
        Assert.Equal("auto-approve", e.Detail);
        var apply = AllowedChange("terraform apply -auto-approve tfplan");
        Assert.Equal("auto-approve", apply.Detail);
        Assert.Contains("-auto-approve", apply.Description);
        var unreviewed = Asks("terraform apply -auto-approve", EffectKind.ChangeInfrastructure);
        Assert.Equal(Interlock.Core.Knowledge.Terraform.UnreviewedApply, unreviewed.Detail);
    }

    [Theory]
    [InlineData("terraform -chdir=envs/prod destroy", "directory `envs/prod`")]
    [InlineData("terraform destroy -var-file=prod.tfvars", "var file `prod.tfvars`")]
    [InlineData("terraform destroy -var env=production", "variable `env=production`")]
    [InlineData("cd infra/prod && terraform destroy", "directory `infra/prod`")]
    [InlineData("terraform workspace delete prod", "workspace `prod`")]
    [InlineData("terraform destroy -target=module.prod_db", "resource `module.prod_db`")]
    [InlineData("terragrunt run-all destroy --terragrunt-working-dir live/prod", "directory `live/prod`")]
    public void Production_destroys_need_two_approvers(string command, string evidence) =>
        AsksInProduction(command, EffectKind.DestroyInfrastructure, evidence);

    [Theory]
    [InlineData("terraform -chdir=envs/prod apply -auto-approve")]
    [InlineData("terraform apply -var-file=production.tfvars")]
    [InlineData("terraform -chdir=envs/prod state rm aws_s3_bucket.logs")]
    [InlineData("terraform -chdir=envs/prod state mv a.b a.c")]
    [InlineData("terraform -chdir=envs/prod force-unlock 1234")]
    [InlineData("terraform -chdir=envs/prod import aws_instance.web i-1")]
    [InlineData("terraform -chdir=envs/prod refresh")]
    public void Production_changes_need_two_approvers(string command) =>
        AsksInProduction(command, EffectKind.ChangeInfrastructure, "prod");

    [Theory]
    [InlineData("terraform apply")]
    [InlineData("terraform apply -auto-approve tfplan")]
    [InlineData("terraform import aws_instance.web i-1")]
    public void Changes_outside_production_are_allowed(string command) => AllowedChange(command);

    [Fact]
    public void State_rm_says_terraform_forgets_the_resource()
    {
        var e = Asks("terraform state rm aws_s3_bucket.logs", EffectKind.ChangeInfrastructure);
        Assert.Contains("forget", e.Description);
        Assert.Contains("aws_s3_bucket.logs", e.Description);
    }

    [Fact]
    public void Targets_and_replacements_are_named()
    {
        var e = Asks("terraform destroy -target=aws_instance.web", EffectKind.DestroyInfrastructure);
        Assert.Equal("aws_instance.web", e.Target);
        var r = Asks("terraform apply -replace=aws_db_instance.main", EffectKind.DestroyInfrastructure);
        Assert.Contains("destroys and recreates aws_db_instance.main", r.Description);
    }

    [Fact]
    public void The_project_directory_itself_is_not_read_as_an_environment()
    {
        // The test world's home is /home/dev: `dev` must not become evidence.
        var e = Asks("terraform destroy", EffectKind.DestroyInfrastructure);
        Assert.Null(e.EnvironmentEvidence);
    }

    [Fact]
    public void A_computed_subcommand_is_indeterminate()
    {
        var d = TestWorld.Check("terraform $CMD -auto-approve");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.Indeterminate);
    }

    [Theory]
    [InlineData("echo terraform destroy")]
    [InlineData("git commit -m 'terraform destroy the old env'")]
    public void Mentions_are_allowed(string command) => NoEffects(command);
}

public sealed class TerraformDirectoryTests
{
    [Fact]
    public void Terragrunt_live_trees_take_the_environment_from_the_deeper_directory()
    {
        var dev = CloudChecks.AllowedChange("cd live/dev/us-east-1/app && terragrunt apply");
        Assert.Equal(TargetEnvironment.Development, dev.Environment);
        CloudChecks.AsksInProduction("cd live/prod/us-east-1/app && terragrunt apply", EffectKind.ChangeInfrastructure, "`prod`");
        // Any production component wins over a development one.
        CloudChecks.AsksInProduction("terraform -chdir=prod/dev-tools apply", EffectKind.ChangeInfrastructure, "`prod`");
    }
}

/// <summary>Issue 19, item 4: Terraform beyond destroy (the same for OpenTofu and Terragrunt).</summary>
public sealed class TerraformApplyAndStateTests
{
    [Theory]
    [InlineData("terraform apply -auto-approve")]
    [InlineData("tofu apply -auto-approve")]
    [InlineData("terragrunt apply -auto-approve")]
    [InlineData("terraform -chdir=infra apply --auto-approve -var env=dev")]
    [InlineData("TF_CLI_ARGS='-auto-approve' terraform apply")]
    [InlineData("TF_CLI_ARGS_apply=-auto-approve tofu apply")]
    public void An_apply_without_a_reviewed_plan_asks(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("infra.apply-unreviewed", d.RuleId);
        Assert.Contains("terraform plan -out=tfplan", d.Alternative);
    }

    [Fact]
    public void An_unreviewed_apply_in_production_needs_two_approvers()
    {
        var d = TestWorld.Check("TF_WORKSPACE=prod terraform apply -auto-approve");
        Assert.Equal("infra.apply-unreviewed.production", d.RuleId);
        Assert.Equal(2, d.RequiredApprovals);
    }

    [Theory]
    [InlineData("terraform apply")]              // Terraform shows the plan and asks for "yes" itself
    [InlineData("terraform apply tfplan")]       // a saved plan: what was planned is what is applied
    [InlineData("terraform apply -auto-approve tfplan")]
    [InlineData("terraform plan -out=p.tfplan && terraform apply p.tfplan")]
    [InlineData("terraform state list")]
    [InlineData("terraform state show aws_instance.a")]
    [InlineData("tofu plan")]
    public void Reviewed_applies_and_reads_stay_allowed(string command) =>
        Assert.Equal(Verdict.Allow, TestWorld.Check(command).Verdict);

    [Theory]
    [InlineData("TF_CLI_ARGS_apply=-destroy terraform apply")]
    [InlineData("TF_CLI_ARGS=-destroy tofu apply")]
    [InlineData("terraform plan -destroy -out=p.tfplan && terraform apply p.tfplan")]
    [InlineData("tofu plan -destroy -out p.tfplan; tofu apply p.tfplan")]
    public void A_destroy_hidden_in_variables_or_a_saved_destroy_plan_is_a_destroy(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("infra.destroy", d.RuleId);
    }

    [Fact]
    public void TF_CLI_ARGS_in_the_hooks_environment_counts_too()
    {
        var world = new TestWorld();
        world.Variables["TF_CLI_ARGS_apply"] = "-destroy -auto-approve";
        var d = new Engine().Evaluate(new ActionRequest("Bash", "terraform apply", TestWorld.Project), world);
        Assert.Equal("infra.destroy", d.RuleId);
        Assert.Contains("$TF_CLI_ARGS_apply=-destroy -auto-approve", d.Reason);
    }

    [Fact]
    public void A_saved_plan_the_session_made_with_plan_destroy_is_a_destroy()
    {
        var world = SessionPlan("by `terraform plan -destroy -out=p.tfplan`");
        var d = new Engine().Evaluate(new ActionRequest("Bash", "terraform apply p.tfplan", TestWorld.Project), world);
        Assert.Equal("infra.destroy", d.RuleId);
        Assert.Contains("plan -destroy", d.Reason);
        var other = SessionPlan("by `terraform plan -out=p.tfplan`");
        Assert.Equal(Verdict.Allow, new Engine().Evaluate(new ActionRequest("Bash", "terraform apply p.tfplan", TestWorld.Project), other).Verdict);
    }

    /// <summary>A world in which this session wrote p.tfplan, by <paramref name="how"/>.</summary>
    private static TestWorld SessionPlan(string how)
    {
        var world = new TestWorld(extraFiles: [TestWorld.Project + "/p.tfplan"]);
        world.SessionWrites[TestWorld.Project + "/p.tfplan"] = how + ", at 12:00 UTC";
        return world;
    }

    [Theory]
    [InlineData("terraform state rm aws_instance.a")]
    [InlineData("tofu state mv aws_instance.a aws_instance.b")]
    [InlineData("terragrunt state rm module.db")]
    [InlineData("terraform state push old.tfstate")]
    [InlineData("terraform state replace-provider hashicorp/aws registry.acme/aws")]
    [InlineData("terraform force-unlock 6638b2d3")]
    public void State_surgery_asks(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("infra.state-surgery", d.RuleId);
        Assert.Contains("state pull", d.Alternative);
    }
}
