"""Stand-ins of the aws, docker and curl commands that record each call, for running infra/deploy.sh and
infra/rotate.sh."""

import json
import os
import subprocess
import sys

import pytest
from test_templates import ROOT

OLD_PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----\nOLD\n-----END PUBLIC KEY-----"
STACK_PARAMETERS = "EnvironmentName ImageTag PublicHostName JwtPrivateKeySecretArn JwtPreviousPublicKeysParameter"

FAKE_AWS = r"""
import json, os, re, sys
args = sys.argv[1:]
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps(["aws", *args]) + "\n")
command = " ".join(args)
def value(flag):
    return args[args.index(flag) + 1]
def count(name):  # how often this was asked before
    path = os.environ["FAKE_LOG"] + "." + name
    seen = int(open(path).read()) if os.path.exists(path) else 0
    open(path, "w").write(str(seen + 1))
    return seen
def still_running(name, setting):  # NAME=N: running for N polls of NAME (or "forever"), then done
    slow, _, polls = os.environ.get(setting, "").partition("=")
    seen = count(name)
    return name == slow and (polls == "forever" or seen < int(polls))
if "cloudformation describe-stacks" in command:
    stack = value("--stack-name")
    if "--query" not in args:  # does the stack exist? (once deployed, its outputs are asked for)
        sys.exit(255 if stack in os.environ.get("FAKE_NEW_STACKS", "").split() else 0)
    if value("--query") == "Stacks[0].Parameters[].ParameterKey":
        print(os.environ["FAKE_STACK_PARAMETERS"])
        sys.exit()
    if "ParameterKey=='PublicHostName'" in value("--query"):
        print("api.example.com")
        sys.exit()
    if "ParameterKey=='ImageTag'" in value("--query"):
        print(f"before-{stack.rsplit('-', 1)[1]}")
        sys.exit()
    key = re.search(r"OutputKey=='(\w+)'", value("--query"))[1]
    if key.endswith("RepositoryUri"):
        print(f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/jwt-services/{stack.split('-')[0]}/{key}")
    else:  # MigrateTaskDefinition or DatabaseRolesTaskDefinition
        environment, _, service = stack.split("-")
        kind = "migrate" if key == "MigrateTaskDefinition" else "db-roles"
        print(f"arn:aws:ecs:eu-west-1:123456789012:task-definition/{environment}-{service}-{kind}:7")
elif "cloudformation list-exports" in command:
    print(re.search(r"Name=='([\w-]+)'", value("--query"))[1] + "-value")
elif "cloudformation wait" in command:
    sys.exit(255 if value("--stack-name") == os.environ.get("FAKE_FAILING_UPDATE") else 0)
elif "ecr describe-images" in command:
    # The digest of the repository's image of the tag: the same image in every environment, unless FAKE_DIGESTS
    # says otherwise; none (an error) for a repository neither FAKE_PUSHED nor a push of this run filled.
    repository = value("--repository-name")
    record = os.environ["FAKE_LOG"] + ".pushed"
    pushed = open(record).read().split() if os.path.exists(record) else []
    if repository not in os.environ.get("FAKE_PUSHED", "").split() + pushed:
        sys.exit(254)
    digests = dict(pair.split("=") for pair in os.environ.get("FAKE_DIGESTS", "").split())
    print(digests.get(repository, "sha256:" + repository.rsplit("/", 1)[1]))
elif "ecr get-login-password" in command:
    print("password")
elif "ecs run-task" in command:
    service, kind = re.search(r"-(\w+)-(migrate|db-roles|web):", value("--task-definition")).groups()
    print(f"arn:aws:ecs:eu-west-1:123456789012:task/{value('--cluster')}/{service}-{kind}")
elif "ecs list-tasks" in command:
    running = os.environ.get("FAKE_RUNNING_FAMILY")
    print(f"arn:aws:ecs:eu-west-1:123456789012:task/{running}-1" if value("--family") == running else "None")
elif "ecs describe-tasks" in command and "lastStatus" in value("--query"):
    task = value("--tasks").rsplit("/", 1)[1]
    if task == os.environ.get("FAKE_FAILING_WAIT"):
        sys.exit(255)
    print("RUNNING" if still_running(task, "FAKE_POLLS_RUNNING") else "STOPPED")
elif "ecs describe-tasks" in command:
    # The exit code as `--output text` prints it: "None" for a container that never ran.
    failing = os.environ.get("FAKE_FAILING_TASK")
    print(os.environ.get("FAKE_EXIT_CODE", "1") if failing and value("--tasks").endswith(f"/{failing}") else 0)
elif "ecs update-service" in command:
    print(f"ecs-svc/{value('--service')}-new")
elif "ecs describe-services" in command and "taskDefinition" in value("--query"):
    print(f"arn:aws:ecs:eu-west-1:123456789012:task-definition/staging-{value('--services')}-web:3")
elif "ecs describe-services" in command:
    service = value("--services")
    assert f"id=='ecs-svc/{service}-new'" in value("--query")
    failing, _, state = os.environ.get("FAKE_ROLL_ENDS", "").partition("=")
    if still_running(service, "FAKE_ROLL_POLLS"):
        print("IN_PROGRESS")
    else:
        print(state if service == failing else "COMPLETED")
elif "ssm get-parameter" in command:
    print(os.environ["FAKE_PUBLISHED"])
elif "secretsmanager get-secret-value" in command:
    print('{"email": "smoke@example.com", "password": "smoke password"}')
"""

# The public URL's answers: readiness, and the token round trip of the smoke test. Each call is recorded with what
# it read from its standard input and from the header files it was given.
FAKE_CURL = r"""
import json, os, sys
args = sys.argv[1:]
stdin = sys.stdin.read() if "@-" in args else None
headers = [open(args[i + 1][1:]).read() for i, arg in enumerate(args) if arg == "--header" and args[i + 1][0] == "@"]
with open(os.environ["FAKE_LOG"], "a") as log:
    read = ([f"<stdin: {stdin}>"] if stdin is not None else []) + [f"<header file: {h}>" for h in headers]
    log.write(json.dumps(["curl", *args, *read]) + "\n")
url = next(arg for arg in args if arg.startswith("https://"))
if any(url.endswith(path) for path in os.environ.get("FAKE_FAILING_URLS", "").split()):
    sys.exit(22)
if url.endswith("/auth/token/"):
    print(json.dumps({"access": "ACCESS", "refresh": "REFRESH", "token_type": "Bearer", "expires_in": 300}))
"""

FAKE_DOCKER = r"""
import json, os, sys
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps(["docker", *sys.argv[1:]]) + "\n")
sys.stdin.read() if sys.argv[1:2] == ["login"] else None
if sys.argv[1:2] == ["push"]:  # what describe-images then finds: the repository's path, without host and tag
    with open(os.environ["FAKE_LOG"] + ".pushed", "a") as pushed:
        pushed.write(sys.argv[2].split("/", 1)[1].rsplit(":", 1)[0] + "\n")
"""


@pytest.fixture
def stand_ins(tmp_path):
    """Run an infra/ script against the stand-ins: its result and every aws and docker call it made, in order."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, source in (("aws", FAKE_AWS), ("docker", FAKE_DOCKER), ("curl", FAKE_CURL)):
        (bin_dir / name).write_text(f"#!{sys.executable}\n{source}")
        (bin_dir / name).chmod(0o755)
    log = tmp_path / "calls.jsonl"

    def run(script: str, *args: str, **env: str) -> tuple[subprocess.CompletedProcess, list[list[str]]]:
        environment = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "FAKE_LOG": str(log)}
        environment |= {"FAKE_PUBLISHED": OLD_PUBLIC_KEY, "FAKE_STACK_PARAMETERS": STACK_PARAMETERS}
        environment |= {"IMAGE_TAG": "abc123", "DEPLOY_POLL_SECONDS": "0", **env}
        result = subprocess.run(  # noqa: S603 (a script of this repository)
            [str(ROOT / "infra" / script), *args], env=environment, capture_output=True, text=True, timeout=60
        )
        calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        return result, calls

    return run
