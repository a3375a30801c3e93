#!/usr/bin/env bash
# Prints, in deploy order, the commands that build, push and deploy one environment.
# Usage: infra/plan.sh ENVIRONMENT [REGION]; set CERTIFICATE_ARN, PUBLIC_HOST, JWT_PRIVATE_KEY_SECRET_ARN,
# AUTH_TAG, RESOURCE_TAG and GATEWAY_TAG to fill in their placeholders.
set -o errexit -o nounset -o pipefail

env_name="${1:?usage: infra/plan.sh ENVIRONMENT [REGION]}"
region="${2:-eu-west-1}"
registry="<account>.dkr.ecr.$region.amazonaws.com"
certificate="${CERTIFICATE_ARN:-<acm certificate arn>}"
host="${PUBLIC_HOST:-<public host name>}"
private_key="${JWT_PRIVATE_KEY_SECRET_ARN:-<secret arn of the signing key>}"
auth_tag="${AUTH_TAG:-<auth image tag>}"
resource_tag="${RESOURCE_TAG:-<resource image tag>}"
gateway_tag="${GATEWAY_TAG:-<gateway image tag>}"
deploy="aws cloudformation deploy --region $region --no-fail-on-empty-changeset"

cat <<PLAN
# 0. Images (from the repository root; each service builds and deploys on its own)
docker build -t $registry/jwt-services-auth:$auth_tag auth_service && docker push $registry/jwt-services-auth:$auth_tag
docker build -t $registry/jwt-services-resource:$resource_tag resource_service && docker push $registry/jwt-services-resource:$resource_tag
docker build -t $registry/jwt-services-gateway:$gateway_tag gateway && docker push $registry/jwt-services-gateway:$gateway_tag

# 1. Network, data, platform (rarely change)
$deploy --stack-name $env_name-jwt-network --template-file infra/templates/network.yaml \\
    --capabilities CAPABILITY_IAM --parameter-overrides EnvironmentName=$env_name
$deploy --stack-name $env_name-jwt-data --template-file infra/templates/data.yaml \\
    --capabilities CAPABILITY_IAM --parameter-overrides EnvironmentName=$env_name
$deploy --stack-name $env_name-jwt-platform --template-file infra/templates/platform.yaml \\
    --parameter-overrides EnvironmentName=$env_name CertificateArn=$certificate

# 2. Each service, alone when only its image changes: first the migration image, then the migration,
#    then the services. (On the very first deploy, pass ImageTag and skip MigrationImageTag.)
$deploy --stack-name $env_name-jwt-auth --template-file infra/templates/auth.yaml --capabilities CAPABILITY_IAM \
    --parameter-overrides EnvironmentName=$env_name ImageRepository=$registry/jwt-services-auth \
    MigrationImageTag=$auth_tag PublicHostName=$host JwtPrivateKeySecretArn=$private_key
aws ecs run-task --region $region --cluster $env_name-jwt-services --launch-type FARGATE \
    --task-definition $env_name-auth-migrate \
    --network-configuration "awsvpcConfiguration={subnets=[<private subnets>],securityGroups=[<auth security group>]}"
aws ecs wait tasks-stopped --region $region --cluster $env_name-jwt-services --tasks <task arn printed above>
$deploy --stack-name $env_name-jwt-auth --template-file infra/templates/auth.yaml --capabilities CAPABILITY_IAM \
    --parameter-overrides EnvironmentName=$env_name ImageRepository=$registry/jwt-services-auth \
    MigrationImageTag=$auth_tag ImageTag=$auth_tag PublicHostName=$host JwtPrivateKeySecretArn=$private_key

$deploy --stack-name $env_name-jwt-resource --template-file infra/templates/resource.yaml --capabilities CAPABILITY_IAM \
    --parameter-overrides EnvironmentName=$env_name ImageRepository=$registry/jwt-services-resource \
    MigrationImageTag=$resource_tag PublicHostName=$host JwtPublicKeysParameter=/jwt-services/$env_name/public-keys
aws ecs run-task --region $region --cluster $env_name-jwt-services --launch-type FARGATE \
    --task-definition $env_name-resource-migrate \
    --network-configuration "awsvpcConfiguration={subnets=[<private subnets>],securityGroups=[<resource security group>]}"
aws ecs wait tasks-stopped --region $region --cluster $env_name-jwt-services --tasks <task arn printed above>
$deploy --stack-name $env_name-jwt-resource --template-file infra/templates/resource.yaml --capabilities CAPABILITY_IAM \
    --parameter-overrides EnvironmentName=$env_name ImageRepository=$registry/jwt-services-resource \
    MigrationImageTag=$resource_tag ImageTag=$resource_tag PublicHostName=$host \
    JwtPublicKeysParameter=/jwt-services/$env_name/public-keys

$deploy --stack-name $env_name-jwt-gateway --template-file infra/templates/gateway.yaml --capabilities CAPABILITY_IAM \\
    --parameter-overrides EnvironmentName=$env_name ImageRepository=$registry/jwt-services-gateway ImageTag=$gateway_tag
PLAN
