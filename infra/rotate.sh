#!/usr/bin/env bash
# Makes the running services take a rotated secret. ECS puts a secret into a task's environment when the task
# starts, so a secret changed in Secrets Manager or Parameter Store reaches nothing until the services that read it
# start new tasks: this forces new deployments of exactly those services, waits until each has completed (a
# deployment that fails stops the script) and, for the JWT key, publishes the new public key to every verifier
# before anything signs with the new private key. infra/README.md (*Operate*) gives each runbook around it.
#
# Usage: infra/rotate.sh [--plan] ENVIRONMENT WHAT
#   secret-key auth|resource       the service's Django secret key (put the new value in the secret first)
#   redis-password auth|resource   the service's Redis user's password (the user takes both passwords meanwhile)
#   mfa-keys auth|resource         the keys of the TOTP secrets: the web service rolls, then rotate_mfa_secrets runs
#                                  once in a task of its new task definition (run it again after dropping the old key)
#   jwt-key SECRET_ARN PUBLIC_PEM  a new signing key: SECRET_ARN holds the new private key, PUBLIC_PEM its public key
#   jwt-key-retire PUBLIC_PEM      after the refresh-token lifetime: only PUBLIC_PEM, the signing key's, stays
#   --plan  print the commands instead of running them, calling nothing (AWS's answers show as <placeholders>)
# Settings (environment): AWS_REGION (eu-west-1), DEPLOY_ROLL_TIMEOUT (how long a deployment is waited for: 1800),
# DEPLOY_TASK_TIMEOUT (a one-off task: 3600), DEPLOY_POLL_SECONDS (15), CLOUDFORMATION_ROLE_ARN (the role
# CloudFormation acts with).
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."

usage="usage: infra/rotate.sh [--plan] ENVIRONMENT secret-key|redis-password|mfa-keys auth|resource
       infra/rotate.sh [--plan] ENVIRONMENT jwt-key NEW_PRIVATE_KEY_SECRET_ARN NEW_PUBLIC_KEY_PEM
       infra/rotate.sh [--plan] ENVIRONMENT jwt-key-retire SIGNING_PUBLIC_KEY_PEM"
plan=false
if [ "${1:-}" = "--plan" ]; then
    plan=true
    shift
fi
if [ $# -lt 3 ]; then
    echo "$usage" >&2
    exit 2
fi
env_name="$1"
what="$2"
shift 2
region="${AWS_REGION:-eu-west-1}"

# shellcheck source=infra/steps.sh
source infra/steps.sh

public_keys="/jwt-services/$env_name/public-keys"
previous_public_keys="/jwt-services/$env_name/previous-public-keys"

# service_argument SERVICE: the service a rotation names, auth or resource.
service_argument() {
    if [ "$1" != auth ] && [ "$1" != resource ]; then
        echo "$usage" >&2
        exit 2
    fi
    echo "$1"
}

# public_key_file FILE: the PEM public key FILE holds.
public_key_file() {
    if ! grep -q -- "-----BEGIN PUBLIC KEY-----" "$1" 2>/dev/null; then
        echo "$0: $1 is not a PEM public key (python manage.py generate_jwt_key --public writes one)" >&2
        exit 2
    fi
    cat "$1"
}

# put_parameter NAME VALUE: a String parameter (public keys are not secret). The value goes after "=", as it begins
# with dashes.
put_parameter() {
    run aws --region "$region" ssm put-parameter --name "$1" --type String --overwrite --value="$2"
}

# update_stack STACK NAME=VALUE ...: the deployed template, the named parameters changed and every other one kept;
# waits until the update has completed (CloudFormation waits for the changed services to be stable). The values are
# ARNs and parameter names, which need no quoting in JSON.
update_stack() {
    local stack="$1" keys key value parameters=()
    shift
    keys="$(ask "parameter names of $stack" cloudformation describe-stacks --stack-name "$stack" \
        --query "Stacks[0].Parameters[].ParameterKey" --output text)"
    if $plan; then
        keys="${*%%=*} <every-other-parameter>"
    fi
    for key in $keys; do
        value='"UsePreviousValue": true'
        for parameter in "$@"; do
            if [ "${parameter%%=*}" = "$key" ]; then
                value="\"ParameterValue\": \"${parameter#*=}\""
            fi
        done
        parameters+=("{\"ParameterKey\": \"$key\", $value}")
    done
    run aws --region "$region" cloudformation update-stack --stack-name "$stack" --use-previous-template \
        --capabilities CAPABILITY_IAM "${role[@]}" --parameters "[$(IFS=,; echo "${parameters[*]}")]"
    run aws --region "$region" cloudformation wait stack-update-complete --stack-name "$stack"
}

case "$what" in
    secret-key | redis-password)
        service="$(service_argument "$1")"
        say "$service: every service reads its $what; each starts new tasks"
        roll "$service" "$service-worker" "$service-beat"
        ;;
    mfa-keys)
        service="$(service_argument "$1")"
        say "$service: the web service reads the TOTP keys; it starts new tasks, then its secrets are encrypted anew"
        roll "$service"
        task_definition="$(ask "task definition of $service" ecs describe-services --cluster "$cluster" \
            --services "$service" --query "services[0].taskDefinition" --output text)"
        command='["python", "manage.py", "rotate_mfa_secrets"]'
        run_task "$service" "$task_definition" "rotate_mfa_secrets task" --overrides \
            "{\"containerOverrides\": [{\"name\": \"$service\", \"command\": $command}]}"
        ;;
    jwt-key)
        if [ $# -ne 2 ] || [[ $1 != arn:aws*:secretsmanager:* ]]; then
            echo "$usage" >&2
            exit 2
        fi
        new_key="$(public_key_file "$2")"
        say "the resource service: the new public key beside the published ones"
        published="$(ask "published public keys" ssm get-parameter --name "$public_keys" \
            --query Parameter.Value --output text)"
        if [[ $published != *"$new_key"* ]]; then
            put_parameter "$public_keys" "$published"$'\n'"$new_key"
        fi
        roll resource resource-worker
        say "the auth service: signs with the new key, and publishes the earlier ones until they are retired"
        put_parameter "$previous_public_keys" "$published"
        update_stack "$env_name-jwt-auth" "JwtPrivateKeySecretArn=$1" \
            "JwtPreviousPublicKeysParameter=$previous_public_keys"
        ;;
    jwt-key-retire)
        signing_key="$(public_key_file "$1")"
        say "the auth service: publishes its signing key only"
        update_stack "$env_name-jwt-auth" "JwtPreviousPublicKeysParameter="
        say "the resource service: accepts the signing key only"
        put_parameter "$public_keys" "$signing_key"
        roll resource resource-worker
        ;;
    *)
        echo "$usage" >&2
        exit 2
        ;;
esac
say "done: $what rotated in $env_name"
