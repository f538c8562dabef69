namespace Interlock.Core.Knowledge;

/// <summary>Every tool Interlock knows. Adding a tool: write its file (and its tests), add one line here.</summary>
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
        // npm, yarn, pnpm, bun and rake are each known to two files: publishing or interpreter or Rails tasks, and scripts.
        new SharedExecutables(new Publishing(), new Interpreters(), new Rails(), new PackageScripts(), new Rake()),
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
        new Rsync(),
        new Gh(),
        new Terraform(), new Pulumi(), new Cdk(), new Sam(), new Serverless(), new Eksctl(), new Ansible(), new Aws(), new Gcloud(), new Gsutil(), new Az(),
    ];
}
