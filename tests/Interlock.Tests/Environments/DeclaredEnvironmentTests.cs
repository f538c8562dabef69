using Interlock.Core;
using Interlock.Core.Environments;
using Interlock.Core.Policy;
using Interlock.Policy;
using Xunit;
using static Interlock.Tests.Environments.ContextReaderTests;

namespace Interlock.Tests.Environments;

/// <summary>
/// Environments declared concretely in policy (issue 19, item 2): a kube context, cluster server, AWS account or
/// profile, GCP project, Azure subscription, Terraform workspace, host or database named in
/// <c>settings.environments</c> is in that environment whatever its spelling, with the declaration as evidence; and
/// <c>unknown_environment: production</c> makes remote targets nobody can place count as production.
/// </summary>
public sealed class DeclaredEnvironmentTests : IDisposable
{
    private readonly ScratchProject _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private const string Declarations = """
        settings:
          environments:
            production:
              kube_contexts: [main]
              kube_servers: ["https://10.20.0.1:6443"]
              aws_accounts: ["123456789012"]
              aws_profiles: [admin]
              gcp_projects: [acme-core]
              azure_subscriptions: ["0b1f6471-1bf0-4dda-aec3-111122223333"]
              terraform_workspaces: [default]
              hosts: ["db1.internal", "*.core.acme.net"]
              databases: [billing]
            development:
              kube_contexts: [prod-sandbox]
        """;

    internal static Engine EngineWith(string yaml, PolicyLayer layer = PolicyLayer.User)
    {
        var file = PolicyParser.Parse(yaml, "policy.yaml", layer);
        Assert.False(file.HasErrors, string.Join("\n", file.Diagnostics));
        var (set, diagnostics) = PolicyMerger.Merge([file]);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return new Engine(CompiledPolicy.Compile(set));
    }

    private Decision Check(string command, Dictionary<string, string>? env = null, string yaml = Declarations) =>
        _scratch.Check(command, env, engine: EngineWith(yaml));

    [Fact]
    public void A_declared_kube_context_from_the_kubeconfig_is_production_with_the_declaration_as_evidence()
    {
        _scratch.Write("home/.kube/config", KubeConfigText("main", "main", "c1", "https://10.9.9.9:6443"));
        Production(Check("kubectl delete deploy api"), EffectKind.DeleteClusterResources,
            "kube context `main` (from ~/.kube/config current-context) is declared production in the policy (environments.production.kube_contexts `main`)");
        // Without the declaration the same file says nothing about production.
        OneApprover(_scratch.Check("kubectl delete deploy api"));
    }

    [Fact]
    public void A_declared_cluster_server_matches_by_url_or_host()
    {
        _scratch.Write("home/.kube/config", KubeConfigText("ops", "ops", "c1", "https://10.20.0.1:6443"));
        Production(Check("kubectl delete deploy api"), EffectKind.DeleteClusterResources, "environments.production.kube_servers");
    }

    [Fact]
    public void A_declaration_beats_the_spelling_and_a_declared_development_context_is_one_approver()
    {
        _scratch.Write("home/.kube/config", KubeConfigText("prod-sandbox", "prod-sandbox", "c1", "https://127.0.0.1:6443"));
        var d = Check("kubectl delete deploy api");
        OneApprover(d);
        Assert.Contains("declared development", d.Effects.Single(e => e.Kind == EffectKind.DeleteClusterResources).EnvironmentEvidence);
    }

    [Fact]
    public void Declared_aws_account_from_a_role_arn_and_declared_profile()
    {
        _scratch.Write("home/.aws/config", "[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/deployer\nsource_profile = base\n");
        Production(Check("aws ec2 terminate-instances --instance-ids i-1", new() { ["AWS_PROFILE"] = "ops" }),
            EffectKind.DestroyInfrastructure, "environments.production.aws_accounts `123456789012`");
        Production(Check("aws ec2 terminate-instances --instance-ids i-1 --profile admin"),
            EffectKind.DestroyInfrastructure, "environments.production.aws_profiles `admin`");
        OneApprover(Check("aws ec2 terminate-instances --instance-ids i-1 --profile sandbox-7"));
    }

    [Fact]
    public void Declared_gcp_project_workspace_hosts_and_databases()
    {
        Production(Check("gcloud compute instances delete web-1 --project acme-core --quiet"), EffectKind.DestroyInfrastructure, "environments.production.gcp_projects");
        Production(Check("psql -h pg7.core.acme.net -c 'DROP TABLE users'"), EffectKind.DestroyData, "environments.production.hosts `*.core.acme.net`");
        Production(Check("psql -h localhost -d billing -c 'TRUNCATE invoices'"), EffectKind.DestroyData, "environments.production.databases `billing`");
        Production(Check("psql -c 'DELETE FROM users'", new() { ["PGHOST"] = "db1.internal" }),
            EffectKind.DestroyData, "environments.production.hosts `db1.internal`");
        Production(Check("psql \"$DATABASE_URL\" -c 'DELETE FROM users'", new() { ["DATABASE_URL"] = "postgres://app@db1.internal:5432/app" }),
            EffectKind.DestroyData, "environments.production.hosts `db1.internal`");
        _scratch.Write("home/src/app/.terraform/environment", "default");
        Production(Check("terraform destroy"), EffectKind.DestroyInfrastructure, "environments.production.terraform_workspaces `default`");
        // Controls: other names stay as they were.
        OneApprover(Check("psql -h db2.other.net -c 'DROP TABLE users'"));
        Assert.Equal(Verdict.Allow, Check("terraform plan").Verdict);
    }

    [Fact]
    public void Declared_azure_subscription()
    {
        Production(Check("az group delete -n rg-app --subscription 0b1f6471-1bf0-4dda-aec3-111122223333 --yes"),
            EffectKind.DestroyInfrastructure, "environments.production.azure_subscriptions");
    }

    [Fact]
    public void Unknown_environment_production_makes_unplaced_remote_targets_production_and_says_so()
    {
        const string yaml = "settings:\n  unknown_environment: production\n  environments:\n    development:\n      kube_contexts: [kind-*]\n";
        var d = Check("kubectl delete deploy api", yaml: yaml);
        Production(d, EffectKind.DeleteClusterResources, "the policy counts targets of unknown environment as production (settings.unknown_environment)");
        _scratch.Write("home/.kube/config", KubeConfigText("kind-local", "kind-local", "kind", "https://127.0.0.1:6443"));
        OneApprover(Check("kubectl delete deploy api", yaml: yaml));
        // Files on this machine are not remote targets.
        var rm = Check("rm -rf src", yaml: yaml);
        Assert.DoesNotContain(rm.Effects, e => e.Environment == TargetEnvironment.Production);
        // Without the setting an unplaced target stays unknown (one approver).
        _scratch.Write("home/.kube/config", KubeConfigText("ops", "ops", "c", "https://10.1.1.1"));
        OneApprover(Check("kubectl delete deploy api", yaml: "settings:\n  production_names: [prod]\n"));
    }

    [Fact]
    public void A_project_policy_may_declare_production_but_not_lower_a_name()
    {
        var file = PolicyParser.Parse("settings:\n  environments:\n    production: { kube_contexts: [main] }\n    development: { kube_contexts: [prod-eu] }\n  unknown_environment: unknown\n",
            ".interlock/policy.yaml", PolicyLayer.Project);
        Assert.False(file.HasErrors, string.Join("\n", file.Diagnostics));
        var (set, diagnostics) = PolicyMerger.Merge([PolicyParser.Parse("settings:\n  unknown_environment: production\n", "user.yaml", PolicyLayer.User), file]);
        Assert.Equal([new DeclaredTarget(TargetEnvironment.Production, TargetKind.KubeContext, "main")], set.Settings.DeclaredEnvironments);
        Assert.True(set.Settings.UnknownIsProduction);
        Assert.Contains(diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("cannot declare `prod-eu`"));
        Assert.Contains(diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("unknown_environment"));
    }

    [Theory]
    [InlineData("settings:\n  environments:\n    prod: { hosts: [a] }\n", "unknown field `prod` in `environments`; expected one of: production, staging, development")]
    [InlineData("settings:\n  environments:\n    production: { kube_context: [a] }\n", "did you mean `kube_contexts`?")]
    [InlineData("settings:\n  environments:\n    production: { hosts: {a: b} }\n", "`environments.production.hosts` must be a value or a list of values")]
    [InlineData("settings:\n  unknown_environment: staging\n", "`unknown_environment` must be `production`")]
    public void Mistakes_in_declarations_are_errors_at_their_position(string yaml, string message)
    {
        var file = PolicyParser.Parse(yaml, "policy.yaml", PolicyLayer.User);
        var error = Assert.Single(file.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains(message, error.Message);
        Assert.True(error.Location.Line >= 2, error.ToString());
    }

    [Theory]
    [InlineData("*.core.acme.net", "pg7.core.acme.net", true)]
    [InlineData("*.core.acme.net", "core.acme.net", false)]
    [InlineData("MAIN", "main", true)]
    [InlineData("main", "main-2", false)]
    [InlineData("a*b*c", "aXbYc", true)]
    [InlineData("a*b*c", "aXbY", false)]
    public void Globs_match_whole_names_case_insensitively(string pattern, string name, bool matches) =>
        Assert.Equal(matches, DeclaredEnvironments.Glob(pattern, name));
}
