"""The set-up paths that only run on a machine missing something, run here with stand-in programs.

`scripts/services.sh` and `scripts/install-chromium.sh` install what is missing with apt-get. On a
machine that already has everything those branches never run, which is how a broken install path
once stayed green in CI. Here each script runs with a PATH of real basic tools plus stand-ins for
`apt-get`, `id`, `redis-server`, PostgreSQL's programs and Chromium that record what they were asked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "scripts" / "services.sh"
CHROMIUM = ROOT / "scripts" / "install-chromium.sh"

# Real programs the scripts use besides the ones stood in for.
BASIC_TOOLS = (
    "bash", "sh", "env", "cat", "mkdir", "mktemp", "rm", "dirname", "sort", "tail", "head", "tr",
    "cut", "cksum", "chmod", "touch", "ls", "test", "python3", "base64", "mv",
)  # fmt: skip


@dataclass
class Machine:
    """A fake machine: a PATH folder, a PostgreSQL lib root, and a log of what apt-get was asked."""

    root: Path
    bin: Path
    pg_lib: Path
    apt_log: Path

    def add_program(self, path: Path, body: str = "exit 0") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"#!/bin/bash\n{body}\n")
        path.chmod(0o755)

    def install_redis(self) -> None:
        self.add_program(self.bin / "redis-server")

    def install_postgres(self) -> None:
        for program in ("initdb", "pg_ctl", "psql", "postgres"):
            self.add_program(self.pg_lib / "15" / "bin" / program)

    def apt_calls(self) -> list[str]:
        return self.apt_log.read_text().splitlines() if self.apt_log.exists() else []

    def run(self, script: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        base = {
            "PATH": str(self.bin),
            "HOME": str(self.root),
            "TMPDIR": str(self.root / "tmp"),
            "BILLING_DESK_PG_LIB_ROOT": str(self.pg_lib),
            "BILLING_DESK_SERVICES_DIR": str(self.root / "services"),
            "BILLING_DESK_CHROMIUM": str(self.root / "usr-bin" / "chromium"),
        }
        return subprocess.run(
            [str(self.bin / "bash"), str(script), *args],
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )


@pytest.fixture
def machine(tmp_path: Path) -> Machine:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "tmp").mkdir()
    for tool in BASIC_TOOLS:
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    m = Machine(root=tmp_path, bin=bin_dir, pg_lib=tmp_path / "usr-lib-postgresql", apt_log=tmp_path / "apt-calls")
    m.pg_lib.mkdir()
    # `id -u` answers as root (the install branch); `id postgres` as if no such user exists yet.
    m.add_program(bin_dir / "id", 'if [ "$1" = "-u" ]; then echo "${FAKE_UID:-0}"; else exit 1; fi')
    # apt-get records its arguments, checks that the folder of the file it writes to exists (the
    # services folder bug: a log redirected into a folder not decided yet), then "installs" the
    # packages it was asked for as stand-ins, as Debian would.
    m.add_program(
        bin_dir / "apt-get",
        textwrap.dedent(
            f"""\
            echo "$*" >> {m.apt_log}
            [ "$1" = "install" ] || exit 0
            stand_in() {{ mkdir -p "$(dirname "$1")"; printf '#!/bin/bash\\nexit 0\\n' > "$1"; chmod +x "$1"; }}
            for package in "$@"; do
                case "$package" in
                    redis-server) stand_in {bin_dir}/redis-server ;;
                    postgresql) for p in initdb pg_ctl psql postgres; do stand_in {m.pg_lib}/15/bin/$p; done ;;
                    chromium) stand_in {tmp_path}/usr-bin/chromium ;;
                esac
            done
            """
        ),
    )
    return m


INSTALL = "install -y -qq --no-install-recommends"


@pytest.mark.parametrize(
    ("has_postgres", "has_redis", "expected_packages"),
    [
        (False, False, "postgresql redis-server"),
        (False, True, "postgresql"),
        (True, False, "redis-server"),
        (True, True, None),
    ],
    ids=["nothing-installed", "only-postgres-missing", "only-redis-missing", "both-present"],
)
def test_services_install_asks_apt_for_exactly_what_is_missing(
    machine: Machine, has_postgres: bool, has_redis: bool, expected_packages: str | None
) -> None:
    if has_postgres:
        machine.install_postgres()
    if has_redis:
        machine.install_redis()

    result = machine.run(SERVICES, "install")

    assert result.returncode == 0, result.stderr
    if expected_packages is None:
        assert machine.apt_calls() == []
    else:
        assert machine.apt_calls() == ["update -qq", f"{INSTALL} {expected_packages}"]
        assert f"installing Debian's {expected_packages}" in result.stderr
    # Afterwards nothing is missing, and the install left no log behind in the temporary folder.
    assert machine.run(SERVICES, "check").returncode == 0
    assert list((machine.root / "tmp").iterdir()) == []


def test_services_start_installs_before_deciding_and_writing_the_services_folder(machine: Machine) -> None:
    """The original bug: `start` wrote apt's log into the services folder before that folder was decided."""
    services_dir = machine.root / "services"
    # Stop right after the install, at the first program `start` runs once the folder is decided.
    result = machine.run(SERVICES, "start")

    assert machine.apt_calls() == ["update -qq", f"{INSTALL} postgresql redis-server"]
    assert "cannot create directory ''" not in result.stderr
    # The credentials file is the first thing start writes: it is in the decided folder, not at /.
    assert (services_dir / "credentials").is_file()


def test_services_install_failure_shows_apt_output_and_fails(machine: Machine) -> None:
    machine.add_program(machine.bin / "apt-get", 'echo "E: Unable to locate package $*" >&2; exit 100')

    result = machine.run(SERVICES, "install")

    assert result.returncode == 1
    assert "E: Unable to locate package" in result.stderr
    assert "installing postgresql redis-server failed" in result.stderr


def test_services_without_root_prints_the_install_command(machine: Machine) -> None:
    result = machine.run(SERVICES, "install", FAKE_UID="1000")

    assert result.returncode == 1
    assert machine.apt_calls() == []
    assert "sudo sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive" in result.stderr
    assert "postgresql redis-server" in result.stderr
    # `check` tells `make test` the PostgreSQL pass cannot run here (it then skips it outside CI).
    assert machine.run(SERVICES, "check", FAKE_UID="1000").returncode == 1


def test_services_writers_refuse_an_undecided_folder() -> None:
    """Any function that writes into the services folder fails loudly if called before resolve_dir."""
    text = SERVICES.read_text()
    for writer in ("load_credentials() {", "start_postgres() {", "start_redis() {", "stop_all() {"):
        body = text.split(writer, 1)[1]
        assert body.lstrip().startswith("need_dir"), writer


@pytest.mark.parametrize("installed", [False, True], ids=["chromium-missing", "chromium-present"])
def test_chromium_is_installed_only_when_missing(machine: Machine, installed: bool) -> None:
    if installed:
        machine.add_program(machine.root / "usr-bin" / "chromium")

    result = machine.run(CHROMIUM)

    assert result.returncode == 0, result.stderr
    if installed:
        assert machine.apt_calls() == []
    else:
        assert machine.apt_calls() == ["update -qq", "install -y -qq chromium"]
        assert os.access(machine.root / "usr-bin" / "chromium", os.X_OK)


def test_chromium_without_root_prints_the_install_command(machine: Machine) -> None:
    result = machine.run(CHROMIUM, FAKE_UID="1000")

    assert result.returncode == 1
    assert machine.apt_calls() == []
    assert "sudo apt-get install -y chromium" in result.stderr
