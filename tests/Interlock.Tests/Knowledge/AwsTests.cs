using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.CloudChecks;

namespace Interlock.Tests.Knowledge;

public sealed class AwsTests
{
    [Theory]
    [InlineData("aws s3 rm s3://my-bucket/file.txt")]
    [InlineData("aws s3 rm s3://my-bucket --recursive")]
    [InlineData("aws s3 rb s3://old-bucket --force")]
    [InlineData("aws s3 sync ./dist s3://site --delete")]
    [InlineData("aws s3api delete-object --bucket b --key k")]
    [InlineData("aws s3api delete-bucket --bucket b")]
    [InlineData("aws dynamodb delete-table --table-name Users")]
    [InlineData("aws rds delete-db-instance --db-instance-identifier db --skip-final-snapshot")]
    [InlineData("aws rds delete-db-snapshot --db-snapshot-identifier s")]
    [InlineData("aws secretsmanager delete-secret --secret-id x")]
    [InlineData("aws kms schedule-key-deletion --key-id k")]
    [InlineData("aws ec2 delete-volume --volume-id vol-1")]
    [InlineData("aws sqs purge-queue --queue-url https://q")]
    [InlineData("aws backup delete-recovery-point --backup-vault-name v --recovery-point-arn a")]
    public void Data_deletions_ask(string command) => Asks(command, EffectKind.DestroyData);

    [Theory]
    [InlineData("aws cloudformation delete-stack --stack-name app")]
    [InlineData("aws ec2 terminate-instances --instance-ids i-1 i-2")]
    [InlineData("aws rds delete-db-instance --db-instance-identifier db")]
    [InlineData("aws lambda delete-function --function-name f")]
    [InlineData("aws iam delete-role --role-name r")]
    [InlineData("aws eks delete-cluster --name c")]
    [InlineData("aws ec2 deregister-image --image-id ami-1")]
    [InlineData("aws elasticbeanstalk terminate-environment --environment-name e")]
    [InlineData("aws ec2 release-address --allocation-id eipalloc-1")]
    [InlineData("aws organizations close-account --account-id 1")]
    public void Infrastructure_deletions_ask(string command) => Asks(command, EffectKind.DestroyInfrastructure);

    [Theory]
    [InlineData("aws s3 rm s3://prod-assets/ --recursive", EffectKind.DestroyData, "bucket `prod-assets`")]
    [InlineData("aws --profile production ec2 terminate-instances --instance-ids i-1", EffectKind.DestroyInfrastructure, "AWS profile `production`")]
    [InlineData("aws ec2 terminate-instances --instance-ids i-1 --profile=prod", EffectKind.DestroyInfrastructure, "AWS profile `prod`")]
    [InlineData("aws cloudformation delete-stack --stack-name prod-api", EffectKind.DestroyInfrastructure, "stack `prod-api`")]
    [InlineData("aws cloudformation delete-stack --stack-name ProdNetworkStack", EffectKind.DestroyInfrastructure, "stack `ProdNetworkStack`")]
    [InlineData("aws dynamodb delete-table --table-name orders-prod", EffectKind.DestroyData, "table `orders-prod`")]
    [InlineData("aws secretsmanager delete-secret --secret-id prod/db --force-delete-without-recovery", EffectKind.DestroyData, "secret `prod/db`")]
    public void Production_deletions_need_two_approvers(string command, EffectKind kind, string evidence) =>
        AsksInProduction(command, kind, evidence);

    [Fact]
    public void The_region_is_not_an_environment()
    {
        var e = Asks("aws s3 rm s3://b/k --region prod-region-1", EffectKind.DestroyData);
        Assert.NotEqual(TargetEnvironment.Production, e.Environment);
    }

    [Theory]
    [InlineData("aws lambda update-function-code --function-name api-prod --zip-file fileb://f.zip")]
    [InlineData("aws cloudformation deploy --stack-name prod-api --template-file t.yaml")]
    [InlineData("aws s3 cp ./dist s3://prod-site/ --recursive")]
    [InlineData("aws ec2 stop-instances --instance-ids i-1 --profile production")]
    [InlineData("aws --profile prod ec2 run-instances --image-id ami-1")]
    public void Production_changes_need_two_approvers(string command) =>
        AsksInProduction(command, EffectKind.ChangeInfrastructure, "prod");

    [Theory]
    [InlineData("aws s3 cp build/ s3://dev-site/ --recursive")]
    [InlineData("aws s3 sync ./dist s3://staging-site")]
    [InlineData("aws ec2 run-instances --image-id ami-1")]
    [InlineData("aws dynamodb put-item --table-name Users --item file://i.json")]
    [InlineData("aws ec2 delete-tags --resources i-1 --tags Key=x")]
    public void Changes_outside_production_are_allowed(string command) => AllowedChange(command);

    [Theory]
    [InlineData("aws s3 ls")]
    [InlineData("aws s3 ls s3://prod-assets --recursive")]
    [InlineData("aws s3 cp s3://prod-assets/a.csv .")]
    [InlineData("aws s3 rm s3://b --recursive --dryrun")]
    [InlineData("aws s3 sync ./dist s3://prod-site --delete --dryrun")]
    [InlineData("aws ec2 terminate-instances --instance-ids i-1 --dry-run")]
    [InlineData("aws ec2 describe-instances --profile prod")]
    [InlineData("aws rds describe-db-instances")]
    [InlineData("aws dynamodb scan --table-name Users")]
    [InlineData("aws dynamodb query --table-name T --key-condition-expression x")]
    [InlineData("aws cloudformation list-stacks")]
    [InlineData("aws cloudformation wait stack-delete-complete --stack-name x")]
    [InlineData("aws logs tail /aws/lambda/x")]
    [InlineData("aws sts get-caller-identity")]
    [InlineData("aws eks update-kubeconfig --name prod-eks")]
    [InlineData("aws configure set region us-east-1")]
    [InlineData("aws s3api head-object --bucket b --key k")]
    [InlineData("aws kms decrypt --ciphertext-blob fileb://x")]
    [InlineData("aws help")]
    [InlineData("aws s3 rm help")]
    [InlineData("aws --version")]
    [InlineData("aws ec2 delete-volume --volume-id vol-1 --generate-cli-skeleton")]
    public void Read_only_and_dry_run_forms_have_no_effects(string command) => NoEffects(command);

    [Fact]
    public void Skip_final_snapshot_is_mentioned_and_counts_as_data_loss()
    {
        var e = Asks("aws rds delete-db-instance --db-instance-identifier mydb --skip-final-snapshot", EffectKind.DestroyData);
        Assert.Contains("--skip-final-snapshot", e.Description);
        Assert.Contains("`mydb`", e.Description);
        var kept = Asks("aws rds delete-db-instance --db-instance-identifier mydb --final-db-snapshot-identifier f", EffectKind.DestroyInfrastructure);
        Assert.Contains("final snapshot `f`", kept.Description);
    }

    [Fact]
    public void Recovery_windows_are_described()
    {
        var soft = Asks("aws secretsmanager delete-secret --secret-id x", EffectKind.DestroyData);
        Assert.True(soft.Reversible);
        var hard = Asks("aws secretsmanager delete-secret --secret-id x --force-delete-without-recovery", EffectKind.DestroyData);
        Assert.False(hard.Reversible);
        Assert.Contains("--force-delete-without-recovery", hard.Description);
    }

    [Fact]
    public void S3_targets_are_the_urls()
    {
        var e = Asks("aws s3 rm s3://b/logs/ --recursive", EffectKind.DestroyData);
        Assert.Equal("s3://b/logs/", e.Target);
        Assert.True(e.Recursive);
        var rb = Asks("aws s3 rb s3://old --force", EffectKind.DestroyData);
        Assert.Contains("every object", rb.Description);
    }

    [Fact]
    public void Sync_delete_into_a_local_directory_deletes_local_files()
    {
        var (_, e) = Has("aws s3 sync s3://backups ./restore --delete", EffectKind.DeletePath);
        Assert.Equal(TestWorld.Project + "/restore", e.Target);
        NoEffects("aws s3 sync s3://backups ./build --delete".Replace("--delete", "--delete --dryrun"));
    }

    [Fact]
    public void A_computed_bucket_is_still_a_delete()
    {
        var e = Asks("aws s3 rm \"s3://$BUCKET/data\" --recursive", EffectKind.DestroyData);
        Assert.Contains("computed at run time", e.Description);
    }

    [Fact]
    public void A_computed_service_is_indeterminate() => Has("aws $SVC delete-stack --stack-name x", EffectKind.Indeterminate);
}
