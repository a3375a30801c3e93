#!/usr/bin/env bash
# Deploys one environment, in the order of infra/README.md: the registry, network, data and platform stacks
# (unchanged ones are a no-op), the three images built (or promoted from another environment) and pushed to ECR
# tagged with the commit, then for auth and resource: the database-users and migration tasks of the new image
# registered, each run and its exit code checked, and only then the service rolled and smoke-tested; the gateway
# (smoke-tested too), and the monitoring stack last. A failed task stops the deploy with the services untouched; a
# failed smoke test puts the stack back on its earlier image and stops the deploy. The deploy workflow
# (.github/workflows/deploy.yml) runs this; so can an operator.
#
# Usage: infra/deploy.sh [--plan] ENVIRONMENT [REGION]
#   --plan  print the commands instead of running them (make infra-plan), calling nothing: the reads show as
#           commands with <placeholders> for their answers, and every stack is taken to exist
# Settings (environment): IMAGE_TAG (default: the commit), PROMOTE_FROM (an environment whose images of this tag
# are promoted, by digest, instead of building them: production from staging), DEPLOY_TASK_TIMEOUT and
# DEPLOY_POLL_SECONDS (how long and how often a one-off task is waited for: 3600 and 15), CLOUDFORMATION_ROLE_ARN
# (the role CloudFormation acts with), PUBLIC_HOST and SMOKE_TEST_SECRET_ARN (the smoke test), and the parameters
# a stack needs when it is first created: CERTIFICATE_ARN and HOSTED_ZONE_ID (platform; the zone to point
# PUBLIC_HOST at the load balancer in), PUBLIC_HOST, JWT_PRIVATE_KEY_SECRET_ARN, MAIL_IDENTITY_ARN and FROM_EMAIL
# (auth; the SES identity the worker sends from, and the sender address in its domain), ALARM_TOPIC_ARN and
# TICKET_TOPIC_ARN (monitoring); the bootstrap stack's outputs give most of them. Later deploys keep the values a
# stack has.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."

plan=false
if [ "${1:-}" = "--plan" ]; then
    plan=true
    shift
fi
env_name="${1:?usage: infra/deploy.sh [--plan] ENVIRONMENT [REGION]}"
region="${2:-${AWS_REGION:-eu-west-1}}"
tag="${IMAGE_TAG:-$(git rev-parse --short=12 HEAD)}"

# shellcheck source=infra/steps.sh
source infra/steps.sh

stack_exists() {
    $plan || aws --region "$region" cloudformation describe-stacks --stack-name "$1" >/dev/null 2>&1
}

# deploy_stack TEMPLATE [NAME=VALUE ...]: a parameter with an empty value is left out, so that an existing stack
# keeps the value it has.
deploy_stack() {
    local template="$1"
    shift
    local overrides=("EnvironmentName=$env_name")
    for parameter in "$@"; do
        if [ -n "${parameter#*=}" ]; then
            overrides+=("$parameter")
        fi
    done
    run aws --region "$region" cloudformation deploy --stack-name "$env_name-jwt-$template" \
        --template-file "infra/templates/$template.yaml" --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset \
        "${role[@]}" --parameter-overrides "${overrides[@]}"
}

# digest_of REPOSITORY: the digest of the image the repository holds under this tag; nothing if it has none.
digest_of() {
    if $plan; then
        echo "<digest of $1:$tag>"
    else
        aws --region "$region" ecr describe-images --repository-name "${1#*/}" --image-ids "imageTag=$tag" \
            --query "imageDetails[0].imageDigest" --output text 2>/dev/null || true
    fi
}

# push_image REPOSITORY FOLDER SOURCE_REPOSITORY: the image of this commit into REPOSITORY, unless it holds this tag
# already (tags are immutable: a rerun of the same commit pushes nothing). With PROMOTE_FROM, the image the
# environment promoted from runs under this tag, pulled by its digest and pushed here, and the digest here must be
# that one: production runs the bytes staging tested, never a rebuild. Otherwise FOLDER is built.
push_image() {
    local repository="$1" folder="$2" source="$3" wanted present
    if [ -n "${PROMOTE_FROM:-}" ]; then
        wanted="$(digest_of "$source")"
        if [ -z "$wanted" ] || [ "$wanted" = None ]; then
            echo "deploy.sh: $source has no image $tag: deploy it to $PROMOTE_FROM first" >&2
            exit 1
        fi
    fi
    present="$(digest_of "$repository")"
    if ! $plan && [ -n "$present" ] && [ "$present" != None ]; then
        echo "$repository:$tag exists; not pushed again"
    elif [ -n "${PROMOTE_FROM:-}" ]; then
        run docker pull "$source@$wanted"
        run docker tag "$source@$wanted" "$repository:$tag"
        run docker push "$repository:$tag"
        present="$(digest_of "$repository")"
    else
        run docker build --tag "$repository:$tag" "$folder"
        run docker push "$repository:$tag"
    fi
    if [ -n "${PROMOTE_FROM:-}" ] && ! $plan && [ "$present" != "$wanted" ]; then
        echo "deploy.sh: $repository:$tag is $present, not $PROMOTE_FROM's $wanted; nothing was deployed" >&2
        exit 1
    fi
}

# smoke_test: through the public URL, both services ready and, with SMOKE_TEST_SECRET_ARN set, a token round trip:
# the smoke-test account logs in (the secret is its login body, {"email": ..., "password": ...}, given to curl on
# its standard input), lists its projects with the access token and logs out. No password or token is an argument
# of a command or printed.
smoke_test() {
    local base="https://$public_host" curl=(curl --fail --silent --show-error --max-time 10 --retry 3) tokens
    say "smoke test through $base"
    run "${curl[@]}" --output /dev/null "$base/auth/readyz" || return 1
    run "${curl[@]}" --output /dev/null "$base/api/readyz" || return 1
    if [ -z "${SMOKE_TEST_SECRET_ARN:-}" ]; then
        echo "deploy.sh: no token round trip (SMOKE_TEST_SECRET_ARN is not set)"
        return
    fi
    if $plan; then
        echo "aws --region $region secretsmanager get-secret-value --secret-id $SMOKE_TEST_SECRET_ARN" \
            "--query SecretString --output text | curl … --data-binary @- $base/auth/token/; then" \
            "GET $base/api/projects/ with the access token and POST $base/auth/logout/ with the refresh token" >&3
        return
    fi
    tokens="$(aws --region "$region" secretsmanager get-secret-value --secret-id "$SMOKE_TEST_SECRET_ARN" \
        --query SecretString --output text |
        "${curl[@]}" --header "Content-Type: application/json" --data-binary @- "$base/auth/token/" |
        python3 -c 'import json, sys; body = json.load(sys.stdin); print(body["access"], body["refresh"])')" ||
        return 1
    "${curl[@]}" --output /dev/null --header @<(printf 'Authorization: Bearer %s\n' "${tokens% *}") \
        "$base/api/projects/" || return 1
    printf '{"refresh": "%s"}' "${tokens#* }" | "${curl[@]}" --output /dev/null \
        --header "Content-Type: application/json" --data-binary @- "$base/auth/logout/" || return 1
}

# roll_stack STACK PREVIOUS_TAG [NAME=VALUE ...]: deploy the stack with the new image, then the smoke test; if
# that fails, deploy it again with PREVIOUS_TAG (none for a new stack) and stop.
roll_stack() {
    local stack="$1" previous="$2"
    shift 2
    say "$stack: roll the services to $tag"
    deploy_stack "$stack" "$@" "ImageTag=$tag"
    if ! smoke_test; then
        if [ -n "$previous" ]; then
            say "$stack: the smoke test failed; back to $previous"
            deploy_stack "$stack" "$@" "ImageTag=$previous"
        fi
        echo "deploy.sh: the smoke test failed after $stack rolled to $tag;" \
            "${previous:+it runs $previous again and }nothing after it was deployed" >&2
        exit 1
    fi
}

# previous_tag STACK: the image tag the stack runs, or nothing for a stack not deployed yet.
previous_tag() {
    if stack_exists "$env_name-jwt-$1"; then
        ask "image tag of $1" cloudformation describe-stacks --stack-name "$env_name-jwt-$1" \
            --query "Stacks[0].Parameters[?ParameterKey=='ImageTag'].ParameterValue" --output text
    fi
}

# deploy_service SERVICE REPOSITORY [NAME=VALUE ...]: register the new image's one-off tasks, make the database
# users, migrate, then roll the service and run the smoke test. A new stack starts with the new image at once: its
# tasks' health checks touch no table.
deploy_service() {
    local service="$1" repository="ImageRepository=$2" previous
    shift 2
    previous="$(previous_tag "$service")"
    if [ -n "$previous" ]; then
        say "$service: the migration task of $tag"
        deploy_stack "$service" "$repository" "MigrationImageTag=$tag"
    else
        say "$service: a new stack, with $tag"
        deploy_stack "$service" "$repository" "MigrationImageTag=$tag" "ImageTag=$tag" "$@"
    fi
    # The database users first (idempotent: it creates them once, then only keeps their grants and passwords).
    say "$service: database users, then migrate"
    run_task "$service" "$(output_of "$env_name-jwt-$service" DatabaseRolesTaskDefinition)" "database users task"
    run_task "$service" "$(output_of "$env_name-jwt-$service" MigrateTaskDefinition)" migration
    if [ -n "$previous" ]; then
        roll_stack "$service" "$previous" "$repository" "MigrationImageTag=$tag"
    fi
}

# source_repository OUTPUT: the repository of the environment promoted from (PROMOTE_FROM); nothing without one.
source_repository() {
    if [ -n "${PROMOTE_FROM:-}" ]; then
        output_of "$PROMOTE_FROM-jwt-registry" "$1"
    fi
}

say "Deploy $env_name in $region, images tagged $tag"
say "registry, network, data, platform"
deploy_stack registry
deploy_stack network
deploy_stack data
deploy_stack platform "CertificateArn=${CERTIFICATE_ARN:-}" "PublicHostName=${PUBLIC_HOST:-}" \
    "HostedZoneId=${HOSTED_ZONE_ID:-}"

say "images"
auth_repository="$(output_of "$env_name-jwt-registry" AuthRepositoryUri)"
resource_repository="$(output_of "$env_name-jwt-registry" ResourceRepositoryUri)"
gateway_repository="$(output_of "$env_name-jwt-registry" GatewayRepositoryUri)"
# One registry per account and region: the environment promoted from is in this one.
if $plan; then
    echo "aws --region $region ecr get-login-password | docker login --username AWS --password-stdin ${auth_repository%%/*}" >&3
else
    aws --region "$region" ecr get-login-password | docker login --username AWS --password-stdin "${auth_repository%%/*}"
fi
push_image "$auth_repository" auth_service "$(source_repository AuthRepositoryUri)"
push_image "$resource_repository" resource_service "$(source_repository ResourceRepositoryUri)"
push_image "$gateway_repository" gateway "$(source_repository GatewayRepositoryUri)"
public_host="${PUBLIC_HOST:-}"
if [ -z "$public_host" ]; then
    public_host="$(ask "public host" cloudformation describe-stacks --stack-name "$env_name-jwt-auth" \
        --query "Stacks[0].Parameters[?ParameterKey=='PublicHostName'].ParameterValue" --output text)"
fi

deploy_service auth "$auth_repository" "PublicHostName=${PUBLIC_HOST:-}" \
    "JwtPrivateKeySecretArn=${JWT_PRIVATE_KEY_SECRET_ARN:-}" "MailIdentityArn=${MAIL_IDENTITY_ARN:-}" \
    "FromEmail=${FROM_EMAIL:-}"
deploy_service resource "$resource_repository" "PublicHostName=${PUBLIC_HOST:-}" \
    "JwtPublicKeysParameter=/jwt-services/$env_name/public-keys"

say "gateway"
roll_stack gateway "$(previous_tag gateway)" "ImageRepository=$gateway_repository"

say "monitoring"
deploy_stack monitoring "AlarmTopicArn=${ALARM_TOPIC_ARN:-}" "TicketTopicArn=${TICKET_TOPIC_ARN:-}"
