using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.CloudChecks;

namespace Interlock.Tests.Knowledge;

public sealed class AnsibleTests
{
    [Theory]
    [InlineData("ansible-playbook -i inventories/production/hosts site.yml", "inventory `inventories/production/hosts`")]
    [InlineData("ansible-playbook -i prod deploy.yml", "inventory `prod`")]
    [InlineData("ansible-playbook --inventory=prod.ini deploy.yml", "inventory `prod.ini`")]
    [InlineData("ansible-playbook site.yml --limit 'prod*'", "host limit `prod*`")]
    [InlineData("ansible-playbook site.yml -l production-web", "host limit `production-web`")]
    [InlineData("ansible-playbook deploy-prod.yml", "playbook `deploy-prod.yml`")]
    [InlineData("ansible-playbook site.yml -e env=production", "extra var `env=production`")]
    [InlineData("ansible-playbook site.yml -e @vars/prod.yml", "vars file `vars/prod.yml`")]
    public void Production_playbooks_need_two_approvers(string command, string evidence) =>
        AsksInProduction(command, EffectKind.ChangeInfrastructure, evidence);

    [Theory]
    [InlineData("ansible-playbook site.yml")]
    [InlineData("ansible-playbook -i inventories/staging/hosts site.yml")]
    [InlineData("ansible-playbook -i dev site.yml --become")]
    public void Playbooks_outside_production_are_allowed(string command) => AllowedChange(command);

    [Theory]
    [InlineData("ansible-playbook -i prod site.yml --check")]
    [InlineData("ansible-playbook -i prod site.yml -C --diff")]
    [InlineData("ansible-playbook -i prod site.yml --syntax-check")]
    [InlineData("ansible-playbook -i prod site.yml --list-hosts")]
    [InlineData("ansible-playbook -i prod site.yml --list-tasks")]
    [InlineData("ansible-playbook -i prod site.yml --list-tags")]
    [InlineData("ansible all -i prod -m ping")]
    [InlineData("ansible all -m setup")]
    [InlineData("ansible web -a uptime")]
    [InlineData("ansible web -m shell -a 'df -h'")]
    [InlineData("ansible all -i prod -m shell -a 'rm -rf /var/www' --check")]
    [InlineData("ansible-playbook --version")]
    public void Dry_runs_and_read_only_commands_have_no_effects(string command) => NoEffects(command);

    [Fact]
    public void Ad_hoc_shell_code_is_analysed_on_the_remote_hosts()
    {
        var (d, e) = Has("ansible webservers -m shell -a 'rm -rf /var/www'", EffectKind.DeletePath);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("/var/www", e.Target);
        Assert.Contains("webservers", e.Source.Context.RemoteHost);
        Assert.Contains("ansible webservers", e.Source.Context.Via);
    }

    [Fact]
    public void The_default_command_module_is_analysed_too()
    {
        var (_, e) = Has("ansible all -a 'rm -rf /opt/app'", EffectKind.DeletePath);
        Assert.Equal("/opt/app", e.Target);
    }

    [Fact]
    public void Deleting_root_on_every_host_is_denied()
    {
        var d = TestWorld.Check("ansible all -m command -a 'rm -rf /' -b");
        Assert.Equal(Verdict.Deny, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.DeletePath && e.Source.Context.Via.Contains("sudo"));
    }

    [Fact]
    public void Remote_deletes_in_production_carry_the_environment_and_two_approvers()
    {
        var (d, e) = Has("ansible all -i prod -m shell -a 'rm -rf /var/www'", EffectKind.DeletePath);
        Assert.Equal(TargetEnvironment.Production, e.Environment);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
    }

    [Fact]
    public void File_state_absent_is_a_delete()
    {
        var (_, e) = Has("ansible db -m file -a 'path=/var/lib/postgresql state=absent' -b", EffectKind.DeletePath);
        Assert.Equal("/var/lib/postgresql", e.Target);
    }

    [Theory]
    [InlineData("ansible web -m service -a 'name=nginx state=stopped'")]
    [InlineData("ansible web -m ansible.builtin.systemd -a 'name=app state=restarted'")]
    [InlineData("ansible all -m reboot -b")]
    [InlineData("ansible all -m user -a 'name=bob state=absent'")]
    public void Disruptive_modules_ask(string command) => Asks(command, EffectKind.DisruptSystem);

    [Fact]
    public void Other_modules_change_the_hosts()
    {
        AsksInProduction("ansible prod-web -m apt -a 'name=nginx state=latest' -b", EffectKind.ChangeInfrastructure, "host pattern `prod-web`");
        AllowedChange("ansible web -m copy -a 'src=a dest=/etc/a'");
    }

    [Fact]
    public void Computed_shell_code_is_indeterminate()
    {
        var (d, _) = Has("ansible all -m shell -a \"$CMD\"", EffectKind.Indeterminate);
        Assert.Equal(Verdict.Ask, d.Verdict);
    }
}
