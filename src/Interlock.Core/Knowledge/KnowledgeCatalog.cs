namespace Interlock.Core.Knowledge;

/// <summary>Every tool Interlock knows. Adding a tool: write its file (and its tests), add one line here. Several files
/// may claim one executable (npm is publishing and scripts, python is an interpreter and Django's manage.py): the
/// engine runs each of them.</summary>
public static class KnowledgeCatalog
{
    public static IReadOnlyList<ICommandKnowledge> All() =>
    [
        new ServiceClis(),
        new HttpClients(),
        new Rm(),
        new Find(),
        new Git(),
        new FileWriters(),
        new Sed(),
        new Awk(),
        new Tar(),
        new Unzip(),
        new SevenZip(),
        new Patch(),
        new Editors(),
        new ApplyPatchCommand(),
        new Make(),
        new Publishing(), new Interpreters(), new Rails(), new PackageScripts(), new Rake(),
        new Django(), new Laravel(), new DotnetEf(), new Etcd(), new Consul(), new Wrangler(), new Supabase(),
        new Just(), new Taskfile(), new Tox(), new PythonProjectScripts(), new Composer(),
        new OtherInterpreters(),
        new InterlockCli(),
        new Disks(),
        new Permissions(),
        new SqlClients(),
        new Redis(),
        new Mongo(),
        new Prisma(),
        new MigrationTools(),
        new Kubectl(),
        new Helm(),
        new Docker(),
        new Power(),
        new Systemctl(),
        new Firewall(),
        new Processes(),
        new Accounts(),
        new Crontab(),
        new Scheduling(),
        new Husky(),
        new Rsync(),
        new Gh(),
        new TextFilters(),
        new Terraform(), new Pulumi(), new Cdk(), new Sam(), new Serverless(), new Eksctl(), new Ansible(), new Aws(), new Gcloud(), new Gsutil(), new Az(),
    ];
}
