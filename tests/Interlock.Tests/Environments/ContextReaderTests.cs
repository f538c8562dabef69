using Interlock.Core;
using Interlock.Runtime.World;
using Xunit;

namespace Interlock.Tests.Environments;

/// <summary>
/// The environment a command targets, read where the tools look: real files written into a scratch HOME and project
/// (under ~/.cache/interlock-tests, never /tmp) and read through the runtime's file-system world view; the hook's
/// environment variables are given to the world view.
/// </summary>
public sealed class ContextReaderTests : IDisposable
{
    private readonly ScratchProject _scratch = new();
    private string Home => _scratch.Home;

    public void Dispose() => _scratch.Dispose();

    private string Write(string pathUnderRoot, string text) => _scratch.Write(pathUnderRoot, text);

    private Decision Check(string command, Dictionary<string, string>? env = null, string? cwd = null) => _scratch.Check(command, env, cwd);

    private static Effect Effect(Decision d, EffectKind kind) => Assert.Single(d.Effects, e => e.Kind == kind);

    internal static void Production(Decision d, EffectKind kind, params string[] evidence)
    {
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
        var e = Effect(d, kind);
        Assert.Equal(TargetEnvironment.Production, e.Environment);
        foreach (var text in evidence)
        {
            Assert.Contains(text, e.EnvironmentEvidence);
            Assert.Contains(text, d.Reason);
        }
    }

    internal static void OneApprover(Decision d)
    {
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(1, d.RequiredApprovals);
        Assert.DoesNotContain(d.Effects, e => e.Environment == TargetEnvironment.Production);
    }

    internal static string KubeConfigText(string current, string context, string cluster, string server, string? ns = null) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - cluster:
            certificate-authority-data: AAAA
            server: {server}
          name: {cluster}
        contexts:
        - context:
            cluster: {cluster}
            user: admin   # a comment
        {(ns is null ? "" : $"    namespace: {ns}\n")}  name: {context}
        current-context: {current}
        preferences: {"{}"}
        users:
        - name: admin
          user:
            token: secret-token
        """;

    // ---- kubeconfig -------------------------------------------------------------------------------------------

    [Fact]
    public void Kube_current_context_in_the_home_kubeconfig_makes_a_delete_production()
    {
        Write("home/.kube/config", KubeConfigText("prod-eu", "prod-eu", "eu-1", "https://10.0.0.1:6443"));
        var d = Check("kubectl delete deploy api");
        Production(d, EffectKind.DeleteClusterResources, "kube context `prod-eu` (from ~/.kube/config current-context)");
        Assert.Contains("cluster context `prod-eu` (current-context of ~/.kube/config)", Effect(d, EffectKind.DeleteClusterResources).Description);
    }

    [Fact]
    public void Kubeconfig_named_by_KUBECONFIG_in_the_hook_environment_is_read_first_file_wins()
    {
        var empty = Write("elsewhere/empty.yaml", "apiVersion: v1\nkind: Config\n");
        var live = Write("elsewhere/live.yaml", KubeConfigText("live-us", "live-us", "us", "https://k8s.example.com"));
        Write("home/.kube/config", KubeConfigText("kind-dev", "kind-dev", "kind", "https://127.0.0.1:6443"));
        var d = Check("kubectl delete deploy api", new() { ["KUBECONFIG"] = empty + ":" + live });
        Production(d, EffectKind.DeleteClusterResources, "kube context `live-us`", "live.yaml (in $KUBECONFIG) current-context");
    }

    [Fact]
    public void Kubeconfig_option_and_inline_KUBECONFIG_are_read()
    {
        var live = Write("elsewhere/live.yaml", KubeConfigText("live-us", "live-us", "us", "https://k8s.example.com"));
        Production(Check($"kubectl --kubeconfig {live} delete pod web-0"), EffectKind.DeleteClusterResources, "live-us", "--kubeconfig");
        Production(Check($"KUBECONFIG={live} kubectl delete pod web-0"), EffectKind.DeleteClusterResources, "live-us");
    }

    [Fact]
    public void The_context_cluster_server_and_namespace_are_evidence()
    {
        Write("home/.kube/config", KubeConfigText("admin@main", "admin@main", "main", "https://api.prod.acme.internal:6443"));
        Production(Check("kubectl delete deploy api"), EffectKind.DeleteClusterResources, "API server `https://api.prod.acme.internal:6443` (from cluster `main` in ~/.kube/config)");

        Write("home/.kube/config", KubeConfigText("ops", "ops", "c1", "https://10.1.1.1", ns: "payments-live"));
        Production(Check("kubectl delete deploy api"), EffectKind.DeleteClusterResources, "namespace `payments-live` (from context `ops` in ~/.kube/config)");
        // A namespace given in the command replaces the context's.
        OneApprover(Check("kubectl -n sandbox delete deploy api"));
    }

    [Fact]
    public void A_context_option_replaces_the_current_context()
    {
        Write("home/.kube/config", KubeConfigText("prod-eu", "prod-eu", "eu-1", "https://10.0.0.1:6443"));
        OneApprover(Check("kubectl --context kind-dev delete deploy api"));
    }

    [Fact]
    public void A_json_kubeconfig_is_read()
    {
        Write("home/.kube/config", """
            {"apiVersion":"v1","current-context":"prd-1","contexts":[{"name":"prd-1","context":{"cluster":"c"}}],"clusters":[{"name":"c","cluster":{"server":"https://10.0.0.9"}}]}
            """);
        Production(Check("kubectl delete svc api"), EffectKind.DeleteClusterResources, "kube context `prd-1`");
    }

    [Fact]
    public void Helm_reads_the_kube_context_too()
    {
        Write("home/.kube/config", KubeConfigText("prod-eu", "prod-eu", "eu-1", "https://10.0.0.1:6443"));
        var d = Check("helm uninstall api");
        Production(d, EffectKind.DeleteClusterResources, "kube context `prod-eu` (from ~/.kube/config current-context)");
        OneApprover(Check("helm uninstall api --kube-context kind-dev"));
    }

    [Fact]
    public void Kube_controls_a_dev_context_and_read_only_commands_stay_as_they_are()
    {
        Write("home/.kube/config", KubeConfigText("kind-dev", "kind-dev", "kind-dev", "https://127.0.0.1:6443"));
        OneApprover(Check("kubectl delete deploy api"));
        Write("home/.kube/config", KubeConfigText("prod-eu", "prod-eu", "eu-1", "https://10.0.0.1:6443"));
        var get = Check("kubectl get pods");
        Assert.Equal(Verdict.Allow, get.Verdict);
        Assert.Empty(get.Effects);
    }

    [Fact]
    public void Without_a_kubeconfig_nothing_changes()
    {
        OneApprover(Check("kubectl delete deploy api"));
        Write("home/.kube/config", "this: [is not: a kubeconfig\n\t- at all");
        OneApprover(Check("kubectl delete deploy api"));
    }

    // ---- AWS -------------------------------------------------------------------------------------------------

    [Fact]
    public void Aws_profile_from_the_hook_environment_is_production()
    {
        Production(Check("aws ec2 terminate-instances --instance-ids i-0abc", new() { ["AWS_PROFILE"] = "prod-admin" }),
            EffectKind.DestroyInfrastructure, "AWS profile `prod-admin` (from $AWS_PROFILE in the hook's environment)");
        Production(Check("aws rds delete-db-instance --db-instance-identifier db1 --skip-final-snapshot", new() { ["AWS_DEFAULT_PROFILE"] = "prod-admin" }),
            EffectKind.DestroyData, "$AWS_DEFAULT_PROFILE in the hook's environment");
    }

    [Fact]
    public void Aws_config_profile_role_account_and_source_profile_are_evidence()
    {
        Write("home/.aws/config", """
            [default]
            region = eu-west-1

            [profile ops]
            role_arn = arn:aws:iam::123456789012:role/prod-deployer
            source_profile = base

            [profile ci]
            source_profile = live-root
            region = us-east-1

            [profile sso]
            sso_account_id = 210987654321
            sso_role_name = ProductionAdmin
            """);
        Production(Check("aws ec2 terminate-instances --instance-ids i-1", new() { ["AWS_PROFILE"] = "ops" }),
            EffectKind.DestroyInfrastructure, "role_arn of profile `ops` in ~/.aws/config");
        Production(Check("aws ec2 terminate-instances --instance-ids i-1 --profile ci"),
            EffectKind.DestroyInfrastructure, "AWS profile `live-root` (from source_profile of profile `ci` in ~/.aws/config)");
        Production(Check("AWS_PROFILE=sso aws ec2 terminate-instances --instance-ids i-1"),
            EffectKind.DestroyInfrastructure, "sso_role_name of profile `sso`");
    }

    [Fact]
    public void Aws_config_file_variable_and_the_default_profile()
    {
        var file = Write("elsewhere/aws-config", "[default]\nrole_arn = arn:aws:iam::1:role/live-ops\n");
        Production(Check("aws ec2 terminate-instances --instance-ids i-1", new() { ["AWS_CONFIG_FILE"] = file }),
            EffectKind.DestroyInfrastructure, "profile `default`", "($AWS_CONFIG_FILE)");
    }

    [Fact]
    public void Aws_controls_a_profile_option_wins_and_dev_profiles_stay_as_they_are()
    {
        OneApprover(Check("aws ec2 terminate-instances --instance-ids i-1 --profile dev-sandbox", new() { ["AWS_PROFILE"] = "prod-admin" }));
        OneApprover(Check("aws ec2 terminate-instances --instance-ids i-1", new() { ["AWS_PROFILE"] = "dev" }));
        Assert.Equal(Verdict.Allow, Check("aws ec2 describe-instances", new() { ["AWS_PROFILE"] = "prod-admin" }).Verdict);
    }

    // ---- Terraform / OpenTofu ----------------------------------------------------------------------------------

    [Fact]
    public void Terraform_workspace_file_makes_destroy_and_auto_approve_production()
    {
        Write("home/src/app/.terraform/environment", "production\n");
        Production(Check("terraform destroy"), EffectKind.DestroyInfrastructure, "Terraform workspace `production` (from ~/src/app/.terraform/environment)");
        var apply = Check("terraform apply -auto-approve");
        Production(apply, EffectKind.ChangeInfrastructure, ".terraform/environment");
        Production(Check("tofu destroy"), EffectKind.DestroyInfrastructure, "Terraform workspace `production`");
    }

    [Fact]
    public void TF_WORKSPACE_in_the_hook_environment_is_production()
    {
        Production(Check("terraform destroy", new() { ["TF_WORKSPACE"] = "prod" }), EffectKind.DestroyInfrastructure, "$TF_WORKSPACE in the hook's environment");
    }

    [Fact]
    public void Chdir_and_TF_DATA_DIR_move_the_workspace_file()
    {
        Write("home/src/app/infra/.terraform/environment", "prod");
        Production(Check("terraform -chdir=infra destroy"), EffectKind.DestroyInfrastructure, "~/src/app/infra/.terraform/environment");
        Write("home/src/app/.tfdata/environment", "live");
        Production(Check("terraform destroy", new() { ["TF_DATA_DIR"] = ".tfdata" }), EffectKind.DestroyInfrastructure, "~/src/app/.tfdata/environment ($TF_DATA_DIR)");
    }

    [Fact]
    public void Terraform_controls_plan_and_a_dev_workspace_stay_as_they_are()
    {
        Write("home/src/app/.terraform/environment", "production\n");
        Assert.Equal(Verdict.Allow, Check("terraform plan").Verdict);
        Write("home/src/app/.terraform/environment", "dev\n");
        Assert.Equal(Verdict.Allow, Check("terraform apply").Verdict);
        OneApprover(Check("terraform apply -auto-approve")); // unreviewed, but not production
        OneApprover(Check("terraform destroy"));
        Production(Check("terraform destroy -var-file=prod.tfvars"), EffectKind.DestroyInfrastructure, "prod.tfvars");
    }

    // ---- gcloud ------------------------------------------------------------------------------------------------

    [Fact]
    public void Gcloud_active_configuration_project_is_production()
    {
        Write("home/.config/gcloud/active_config", "work\n");
        Write("home/.config/gcloud/configurations/config_work", "[core]\naccount = me@acme.com\nproject = acme-prod\n\n[compute]\nzone = europe-west1-b\n");
        Production(Check("gcloud compute instances delete vm-1 --zone europe-west1-b"), EffectKind.DestroyInfrastructure,
            "GCP project `acme-prod` (from [core] of ~/.config/gcloud/configurations/config_work (configuration `work`))");
    }

    [Fact]
    public void Gcloud_configuration_from_variables_and_options()
    {
        Write("home/.config/gcloud/active_config", "default");
        Write("home/.config/gcloud/configurations/config_default", "[core]\nproject = acme-dev\n");
        Write("home/.config/gcloud/configurations/config_ops", "[core]\nproject = acme-live\n");
        OneApprover(Check("gcloud compute instances delete vm-1"));
        Production(Check("gcloud compute instances delete vm-1", new() { ["CLOUDSDK_ACTIVE_CONFIG_NAME"] = "ops" }), EffectKind.DestroyInfrastructure, "acme-live");
        Production(Check("gcloud compute instances delete vm-1 --configuration ops"), EffectKind.DestroyInfrastructure, "acme-live");
        Production(Check("gcloud compute instances delete vm-1", new() { ["CLOUDSDK_CORE_PROJECT"] = "acme-prod" }), EffectKind.DestroyInfrastructure, "$CLOUDSDK_CORE_PROJECT in the hook's environment");
        // The command's own project wins over the configuration.
        OneApprover(Check("gcloud compute instances delete vm-1 --project acme-dev", new() { ["CLOUDSDK_ACTIVE_CONFIG_NAME"] = "ops" }));
        var other = Home + "/gcloud-elsewhere";
        Write("home/gcloud-elsewhere/active_config", "x");
        Write("home/gcloud-elsewhere/configurations/config_x", "[core]\nproject = shop-prd\n");
        Production(Check("gcloud compute instances delete vm-1", new() { ["CLOUDSDK_CONFIG"] = other }), EffectKind.DestroyInfrastructure, "shop-prd");
    }

    // ---- databases ---------------------------------------------------------------------------------------------

    [Fact]
    public void Database_url_from_the_hook_environment_names_the_server_and_never_the_password()
    {
        var d = Check("psql \"$DATABASE_URL\" -c \"DELETE FROM users\"", new() { ["DATABASE_URL"] = "postgres://app:s3cret@prod-db.internal:5432/app" });
        Production(d, EffectKind.DestroyData, "database host `prod-db.internal` (from $DATABASE_URL in the hook's environment)");
        Assert.DoesNotContain("s3cret", d.Reason);
        Assert.All(d.Effects, e => Assert.DoesNotContain("s3cret", e.EnvironmentEvidence ?? ""));
    }

    [Fact]
    public void Pg_variables_from_the_hook_environment_name_the_server()
    {
        Production(Check("psql -c \"TRUNCATE orders\"", new() { ["PGHOST"] = "db.prod.internal" }), EffectKind.DestroyData, "$PGHOST in the hook's environment");
        Production(Check("psql -c \"DROP TABLE orders\"", new() { ["PGDATABASE"] = "shop_production" }), EffectKind.DestroyData, "$PGDATABASE");
        Production(Check("mysql -e \"DROP TABLE orders\"", new() { ["MYSQL_HOST"] = "mysql.prd.acme" }), EffectKind.DestroyData, "$MYSQL_HOST");
    }

    [Fact]
    public void Redis_and_mongo_urls_from_the_hook_environment()
    {
        Production(Check("redis-cli -u \"$REDIS_URL\" FLUSHALL", new() { ["REDIS_URL"] = "redis://:pw@cache.prod.acme:6379/0" }), EffectKind.DestroyData, "$REDIS_URL");
        Production(Check("mongosh \"$MONGODB_URI\" --eval \"db.dropDatabase()\"", new() { ["MONGODB_URI"] = "mongodb+srv://u:p@cluster0.live.mongodb.net/shop" }), EffectKind.DestroyData, "$MONGODB_URI");
    }

    [Fact]
    public void Database_controls_localhost_and_an_inline_host_stay_as_they_are()
    {
        OneApprover(Check("psql -c \"TRUNCATE orders\"", new() { ["PGHOST"] = "localhost" }));
        OneApprover(Check("psql -h localhost -c \"TRUNCATE orders\"", new() { ["PGHOST"] = "db.prod.internal" }));
        Assert.Equal(Verdict.Allow, Check("psql -c \"SELECT 1\"", new() { ["PGHOST"] = "db.prod.internal" }).Verdict);
    }

    /// <summary>The real world view only hands the engine the variables it exposes; each reader's variable must be
    /// one of them, and the hook daemon must be keyed on it.</summary>
    [Fact]
    public void Every_variable_the_readers_consult_is_exposed_by_the_world_view_and_keys_the_daemon()
    {
        foreach (var name in Interlock.Core.Environments.EnvironmentSources.Variables)
        {
            Assert.Contains(name, FileSystemWorld.ExposedVariables);
            Assert.Contains(name, Interlock.Runtime.Daemon.DaemonEndpoint.HookVariables);
        }
        foreach (var name in FileSystemWorld.ExposedVariables.Where(n => !n.StartsWith("INTERLOCK_", StringComparison.Ordinal)))
            Assert.Contains(name, Interlock.Runtime.Daemon.DaemonEndpoint.HookVariables);
    }

    // ---- az, pulumi, helm variables, libpq service file, MySQL option files (issue 19, item 1) ---------------

    [Fact]
    public void Az_reads_the_default_subscription_of_azureProfile_json()
    {
        Write("home/.azure/azureProfile.json", "\uFEFF" + """
            {"installationId": "x", "subscriptions": [
              {"id": "1111", "name": "Sandbox", "isDefault": false, "state": "Enabled"},
              {"id": "2222", "name": "Contoso-Production", "isDefault": true, "state": "Enabled"}]}
            """);
        Production(Check("az group delete -n rg-app --yes"), EffectKind.DestroyInfrastructure, "subscription `Contoso-Production` (from the default subscription in ~/.azure/azureProfile.json)");
        // --subscription replaces the default; AZURE_CONFIG_DIR moves the file.
        OneApprover(Check("az group delete -n rg-app --yes --subscription Sandbox"));
        var other = Write("elsewhere/az/azureProfile.json", """{"subscriptions": [{"id": "3", "name": "dev-team", "isDefault": true}]}""");
        OneApprover(Check("az group delete -n rg-app --yes", new() { ["AZURE_CONFIG_DIR"] = Path.GetDirectoryName(other)! }));
    }

    [Fact]
    public void Pulumi_reads_the_stack_selected_for_the_project()
    {
        var project = Write("home/src/app/infra/Pulumi.yaml", "name: shop\nruntime: nodejs\n");
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(project)));
        Write($"home/.pulumi/workspaces/shop-{hash}-workspace.json", """{"stack": "acme/shop/production"}""");
        Production(Check("pulumi destroy --yes", cwd: Path.GetDirectoryName(project)), EffectKind.DestroyInfrastructure, "the stack selected for project `shop`");
        Production(Check("pulumi destroy --yes --cwd infra"), EffectKind.DestroyInfrastructure, "workspace.json");
        Production(Check("pulumi destroy --yes", new() { ["PULUMI_STACK"] = "live" }), EffectKind.DestroyInfrastructure, "$PULUMI_STACK in the hook's environment");
        OneApprover(Check("pulumi destroy --yes --stack dev", cwd: Path.GetDirectoryName(project)));
    }

    [Fact]
    public void Helm_reads_HELM_KUBECONTEXT_and_HELM_NAMESPACE()
    {
        Production(Check("helm uninstall api", new() { ["HELM_KUBECONTEXT"] = "prod-eu" }), EffectKind.DeleteClusterResources, "$HELM_KUBECONTEXT in the hook's environment");
        Production(Check("helm uninstall api", new() { ["HELM_NAMESPACE"] = "payments-live" }), EffectKind.DeleteClusterResources, "$HELM_NAMESPACE");
        OneApprover(Check("helm uninstall api --kube-context kind-dev", new() { ["HELM_KUBECONTEXT"] = "prod-eu" }));
    }

    [Fact]
    public void Psql_reads_the_service_file_and_mysql_its_option_file()
    {
        Write("home/.pg_service.conf", "[reporting]\nhost=db.prod.internal\ndbname=reports\n\n[local]\nhost=localhost\n");
        Production(Check("psql -c 'TRUNCATE events'", new() { ["PGSERVICE"] = "reporting" }), EffectKind.DestroyData, "service `reporting` in ~/.pg_service.conf");
        OneApprover(Check("psql -c 'TRUNCATE events'", new() { ["PGSERVICE"] = "local" }));
        Write("home/.my.cnf", "[client]\nuser=app\nhost=mysql-live.internal\n");
        Production(Check("mysql -e 'DROP TABLE users' shop"), EffectKind.DestroyData, "[client] of ~/.my.cnf");
        OneApprover(Check("mysql -h 127.0.0.1 -e 'DROP TABLE users' shop"));
        var other = Write("elsewhere/dev.cnf", "[client]\nhost=localhost\n");
        OneApprover(Check($"mysql --defaults-file={other} -e 'DROP TABLE users' shop"));
    }

    [Fact]
    public void Every_variable_a_reader_consults_is_exposed_or_the_engine_fails_loudly()
    {
        var inv = new Invocation("x", "x", [], new ExecContext([Home], Home, null, []), [], null, null, "x");
        Assert.Throws<InvalidOperationException>(() => { Interlock.Core.Environments.EnvironmentSources.Variable(inv, new TestWorld(), "NOT_A_READER_VARIABLE"); });
    }

    [Fact]
    public void Git_configuration_in_the_hooks_environment_defines_aliases_too()
    {
        // A harness's settings file can set these for every command the agent runs.
        var d = Check("git up", new() { ["GIT_CONFIG_COUNT"] = "1", ["GIT_CONFIG_KEY_0"] = "alias.up", ["GIT_CONFIG_VALUE_0"] = "reset --hard" });
        Assert.Equal("git.discard-changes", d.RuleId);
        Assert.Equal(Verdict.Deny, Check("git x", new() { ["GIT_CONFIG_PARAMETERS"] = "'alias.x=!rm -rf ~'" }).Verdict);
        Assert.Equal(Verdict.Ask, Check("git up", new() { ["GIT_CONFIG_COUNT"] = "40" }).Verdict); // more entries than are read
        Assert.Equal(Verdict.Allow, Check("git up").Verdict);
        Assert.Equal(Verdict.Allow, Check("git status", new() { ["GIT_CONFIG_COUNT"] = "1", ["GIT_CONFIG_KEY_0"] = "user.name", ["GIT_CONFIG_VALUE_0"] = "me" }).Verdict);
    }
}
