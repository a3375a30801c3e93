# shellcheck shell=bash disable=SC2154,SC2034  # plan, env_name and region come from the script; role goes to it
# The steps infra/deploy.sh and infra/rotate.sh share: calling AWS or, in a plan, printing the calls; waiting for
# one-off tasks and for service deployments. A script sets plan (true or false), env_name and region, then sources
# this file.

cluster="$env_name-jwt-services"

# What a plan prints goes to the script's own standard output, also from inside $(...).
exec 3>&1
say() { printf '\n# %s\n' "$*" >&3; }
# A command as it could be typed: each word bare, in double quotes or in single quotes, whichever suffices.
show() {
    local words=() word safe='^[A-Za-z0-9_./:=@,+-]+$' plain_in_double_quotes='^[^$`"\\]*$'
    for word in "$@"; do
        if [[ $word =~ $safe ]]; then
            words+=("$word")
        elif [[ $word =~ $plain_in_double_quotes ]]; then
            words+=("\"$word\"")
        else
            words+=("'${word//\'/\'\\\'\'}'")
        fi
    done
    echo "${words[*]}" >&3
}

# Runs a command, or prints it in a plan.
run() {
    if $plan; then
        show "$@"
    else
        "$@"
    fi
}

# The answer of an AWS call; in a plan, the call is printed and a placeholder naming its answer returned.
ask() {
    local placeholder="$1"
    shift
    if $plan; then
        show aws --region "$region" "$@"
        echo "<$placeholder>"
    else
        aws --region "$region" "$@"
    fi
}

output_of() {
    ask "$2 of $1" cloudformation describe-stacks --stack-name "$1" \
        --query "Stacks[0].Outputs[?OutputKey=='$2'].OutputValue" --output text
}

export_value() {
    ask "export $env_name-$1" cloudformation list-exports \
        --query "Exports[?Name=='$env_name-$1'].Value" --output text
}

capitalized() { echo "${1^}"; }

# The role CloudFormation acts with, as arguments of a stack's deploy or update.
role=()
if [ -n "${CLOUDFORMATION_ROLE_ARN:-}" ]; then
    role=(--role-arn "$CLOUDFORMATION_ROLE_ARN")
fi

# wait_stopped TASK WHAT: poll the task until it stops, for up to DEPLOY_TASK_TIMEOUT seconds (an hour by default;
# `aws ecs wait tasks-stopped` gives up after 10 minutes, which a long migration outlasts), every
# DEPLOY_POLL_SECONDS (15).
wait_stopped() {
    local deadline=$((SECONDS + ${DEPLOY_TASK_TIMEOUT:-3600})) status
    while true; do
        status="$(ask "last status" ecs describe-tasks --cluster "$cluster" --tasks "$1" \
            --query "tasks[0].lastStatus" --output text)"
        if $plan || [ "$status" = STOPPED ]; then
            return
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "$0: the $2 ($1) has not stopped after ${DEPLOY_TASK_TIMEOUT:-3600} s and goes on;" \
                "the services were not changed: run again once it has stopped" >&2
            exit 1
        fi
        sleep "${DEPLOY_POLL_SECONDS:-15}"
    done
}

# run_task SERVICE TASK_DEFINITION WHAT [RUN-TASK OPTION ...]: run a one-off task of SERVICE (auth or resource) in
# the private subnets with the service's security group, and fail unless it exits with 0. A task of that family
# still running (a deploy that gave up waiting, run again) is waited for by no one: this refuses to start a second
# one beside it.
run_task() {
    local service="$1" task_definition="$2" what="$3" family running subnets security_group task exit_code
    shift 3
    family="${task_definition##*/}"
    running="$(ask "running tasks" ecs list-tasks --cluster "$cluster" --family "${family%:*}" \
        --desired-status RUNNING --query "taskArns" --output text)"
    if ! $plan && [ -n "$running" ] && [ "$running" != None ]; then
        echo "$0: a $service $what still runs ($running); the $service services were not changed: run again" \
            "once it has stopped" >&2
        exit 1
    fi
    subnets="$(export_value PrivateSubnets)"
    security_group="$(export_value "$(capitalized "$service")SecurityGroup")"
    task="$(ask "task arn" ecs run-task --cluster "$cluster" --launch-type FARGATE \
        --task-definition "$task_definition" --started-by "$(basename "$0")" \
        --network-configuration "awsvpcConfiguration={subnets=[$subnets],securityGroups=[$security_group]}" \
        "$@" --query "tasks[0].taskArn" --output text)"
    wait_stopped "$task" "$service $what"
    exit_code="$(ask "exit code" ecs describe-tasks --cluster "$cluster" --tasks "$task" \
        --query "tasks[0].containers[0].exitCode" --output text)"
    if ! $plan && [ "$exit_code" != "0" ]; then
        echo "$0: the $service $what ($task) exited with $exit_code; the $service services were not changed" >&2
        exit 1
    fi
}

# roll SERVICE ...: force a new deployment of each ECS service, so that its tasks start again and read their secrets
# anew, then wait until each of these deployments has completed, for up to DEPLOY_ROLL_TIMEOUT seconds (1800). A
# deployment that failed (the circuit breaker rolls it back) or is no longer the service's stops the script.
roll() {
    local services=("$@") deployments=() index state deadline=$((SECONDS + ${DEPLOY_ROLL_TIMEOUT:-1800}))
    for index in "${!services[@]}"; do
        deployments+=("$(ask "deployment of ${services[index]}" ecs update-service --cluster "$cluster" \
            --service "${services[index]}" --force-new-deployment \
            --query "service.deployments[?status=='PRIMARY'].id | [0]" --output text)")
    done
    for index in "${!services[@]}"; do
        while true; do
            state="$(ask "rollout state" ecs describe-services --cluster "$cluster" --services "${services[index]}" \
                --query "services[0].deployments[?id=='${deployments[index]}'].rolloutState | [0]" --output text)"
            if $plan || [ "$state" = COMPLETED ]; then
                break
            fi
            if [ "$state" != IN_PROGRESS ]; then
                echo "$0: the new deployment of ${services[index]} (${deployments[index]}) did not complete" \
                    "(${state/None/rolled back or replaced}): its earlier tasks run on; see the service's events" >&2
                exit 1
            fi
            if [ "$SECONDS" -ge "$deadline" ]; then
                echo "$0: the new deployment of ${services[index]} (${deployments[index]}) has not completed after" \
                    "${DEPLOY_ROLL_TIMEOUT:-1800} s" >&2
                exit 1
            fi
            sleep "${DEPLOY_POLL_SECONDS:-15}"
        done
    done
}
