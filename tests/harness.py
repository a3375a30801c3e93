"""How the test stacks run on this machine: their ports (one map), their processes (each command in a process
group of its own), waiting until they answer, and stopping them. The runners of make test-native, test-compose,
test-faults and bench use it (tests/run_native.py, tests/run_compose.py, tests/faults/run.py,
tests/bench/run.py)."""

import contextlib
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTEST = [str(ROOT / ".venv" / "bin" / "pytest")]

# Every port of every stack the runners start, so that two of them never take the same one. The faults' and the
# bench's stay below the kernel's ephemeral range (32768-60999), where a client connection of an earlier suite
# could still hold a port.
PORTS = {
    "native": {"GATEWAY_PORT": 8080, "AUTH_PORT": 8001, "RESOURCE_PORT": 8002},
    "compose": {"GATEWAY_PORT": 8080, "PROMETHEUS_PORT": 9090},
    "faults": {
        "GATEWAY_PORT": 18080,
        "AUTH_PORT": 18001,
        "RESOURCE_PORT": 18002,
        "AUTH_WORKER_METRICS_PORT": 19101,
        "RESOURCE_WORKER_METRICS_PORT": 19102,
        "FAULTS_PG_PORT": 15432,
        "FAULTS_REDIS_PORT": 16379,
    },
    "bench": {
        "GATEWAY_PORT": 18180,
        "AUTH_PORT": 18181,
        "RESOURCE_PORT": 18182,
        "AUTH_WORKER_METRICS_PORT": 18183,
        "RESOURCE_WORKER_METRICS_PORT": 18184,
        "BENCH_STOCK_GATEWAY_PORT": 18190,
        "BENCH_STOCK_PORT": 18191,
        "BENCH_NAIVE_GATEWAY_PORT": 18192,
        "BENCH_NAIVE_PORT": 18193,
        "BENCH_NINJA_GATEWAY_PORT": 18194,
        "BENCH_NINJA_PORT": 18195,
        # The second stack, under make dev beside the first.
        "BENCH_DEV_GATEWAY_PORT": 18280,
        "BENCH_DEV_AUTH_PORT": 18281,
        "BENCH_DEV_RESOURCE_PORT": 18282,
        "BENCH_DEV_AUTH_WORKER_METRICS_PORT": 18283,
        "BENCH_DEV_RESOURCE_WORKER_METRICS_PORT": 18284,
        "BENCH_COMPOSE_GATEWAY_PORT": 18380,
    },
}

# The black-box suite registers and logs in dozens of accounts and sends hundreds of attack requests from one
# address within seconds, so the per-address limits are raised for its stacks (and the refresh reuse interval
# cut); their defaults are covered by the services' tests and by test_gateway_config.py. A value in the
# environment wins.
SUITE_LIMITS = {
    "LOGIN_RATE_PER_ADDRESS": "10000/min",
    "REGISTER_RATE_PER_ADDRESS": "10000/hour",
    "PASSWORD_RESET_RATE_PER_ADDRESS": "1000/hour",
    "GATEWAY_AUTH_RATE": "200r/s",
    "GATEWAY_AUTH_BURST": "200",
    "GATEWAY_API_RATE": "1000r/s",
    "GATEWAY_API_BURST": "1000",
    "GATEWAY_ADMIN_RATE": "100r/s",
    "GATEWAY_ADMIN_BURST": "100",
    # Shortened, so that a test crosses it in seconds (tests/security/test_revocation.py).
    "REFRESH_REUSE_INTERVAL": "2",
}


def ports(stack: str) -> dict[str, str]:
    """The stack's ports as environment variables; one set in the environment wins."""
    return {name: os.environ.get(name, str(port)) for name, port in PORTS[stack].items()}


def suite_limits() -> dict[str, str]:
    return {name: os.environ.get(name, value) for name, value in SUITE_LIMITS.items()}


def status(url: str) -> int | None:
    """The status a GET of the URL answers, or None if nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (the stacks' own http URLs)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


def wait_until(condition: Callable[[], bool], *, seconds: float, what: str, logs: Iterable[Path] = ()) -> None:
    """Poll the condition every 0.25 s until it holds; after `seconds`, fail naming `what` with the end of the
    logs."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            tails = "".join(f"\n--- the end of {log}:\n{tail(log)}" for log in logs)
            raise SystemExit(f"{what} in {seconds:.0f} s{tails}")
        time.sleep(0.25)


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else "(no log)"


def run(command: list[str], *, env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
    """Run a command to its end; fail the runner with its status if it fails."""
    result = subprocess.run(command, env={**os.environ, **(env or {})}, cwd=cwd, check=False)
    if result.returncode:
        raise SystemExit(result.returncode)


def in_service_env(service: str, dev_dir: Path, command: str) -> list[str]:
    """A shell command run in a service's folder with the environment make dev-env wrote for it."""
    return ["bash", "-c", f'. "{dev_dir}/{service}.env" && cd {service}_service && {command}']


class Group:
    """A command started in a process group of its own, its output appended to a log. Its leader's pid is kept in
    `pidfile` when one is given, so that another process can stop it (Group.at)."""

    def __init__(self, pid: int, pidfile: Path | None = None):
        self.pid = pid
        self.pidfile = pidfile

    @classmethod
    def start(cls, command: list[str], *, log: Path, env: dict[str, str] | None = None, pidfile: Path | None = None):
        with log.open("a") as output:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **(env or {})},
                stdout=output,
                stderr=output,
                start_new_session=True,
            )
        if pidfile is not None:
            pidfile.write_text(str(process.pid))
        return cls(process.pid, pidfile)

    @classmethod
    def at(cls, pidfile: Path) -> "Group | None":
        return cls(int(pidfile.read_text()), pidfile) if pidfile.exists() else None

    def alive(self) -> bool:
        with contextlib.suppress(ChildProcessError):  # not a child of this process
            os.waitpid(self.pid, os.WNOHANG)
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return not _is_zombie(self.pid)

    def descendants(self) -> list[int]:
        """Every process below the leader, from /proc."""
        return _descendants(self.pid)

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the leader (honcho and make pass it on), wait up to `grace` seconds, then SIGKILL what is left:
        the group, and the sessions honcho starts its processes in, which a signal to the group does not reach."""
        family = self.descendants()
        if grace:
            _signal(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + grace
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.1)
        for pid in [self.pid, *family]:
            _signal_group(pid, signal.SIGKILL)
        if self.pidfile is not None:
            self.pidfile.unlink(missing_ok=True)

    def kill(self) -> None:
        """SIGKILL at once, as the kernel's OOM killer or a lost host would: no chance to clean up."""
        self.stop(grace=0)


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def _descendants(pid: int) -> list[int]:
    """Every process below pid, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(os.getpgid(pid), signum)
    except (ProcessLookupError, PermissionError):
        _signal(pid, signum)
