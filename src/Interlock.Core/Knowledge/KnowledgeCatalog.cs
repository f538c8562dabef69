namespace Interlock.Core.Knowledge;

/// <summary>Every tool Interlock knows. Adding a tool: write its file (and its tests), add one line here.</summary>
public static class KnowledgeCatalog
{
    public static IReadOnlyList<ICommandKnowledge> All() =>
    [
        new Rm(),
        new Find(),
        new Git(),
        new FileWriters(),
        new Disks(),
        new Permissions(),
        new Terraform(), new Pulumi(), new Cdk(), new Sam(), new Serverless(), new Eksctl(), new Ansible(), new Aws(), new Gcloud(), new Gsutil(), new Az(),
    ];
}
