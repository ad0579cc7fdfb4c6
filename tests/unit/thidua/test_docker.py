"""What can be checked of docker/ without a Docker engine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from thidua.cli import build_parser
from thidua.settings import Settings

pytestmark = pytest.mark.unit

DOCKER = Path(__file__).resolve().parents[3] / "docker"
ROOT = DOCKER.parent


def compose() -> dict[str, object]:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text("utf-8"))  # type: ignore[no-any-return]


def thidua_variables(text: str) -> set[str]:
    return set(re.findall(r"\bTHIDUA_([A-Z_]+)", text))


def test_every_thidua_variable_in_docker_files_is_a_setting() -> None:
    fields = {name.upper() for name in Settings.model_fields}
    for name in ("compose.yaml", "Dockerfile"):
        unknown = thidua_variables((DOCKER / name).read_text("utf-8")) - fields
        assert not unknown, (name, unknown)


def test_the_image_runs_a_command_the_cli_has() -> None:
    dockerfile = (DOCKER / "Dockerfile").read_text("utf-8")
    assert 'ENTRYPOINT ["thidua"]' in dockerfile
    [command] = re.findall(r'^CMD \["([a-z-]+)"', dockerfile, re.MULTILINE)
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert command in commands
    ours = [s for s in compose()["services"].values() if s.get("image") == "thidua:latest"]  # type: ignore[attr-defined]
    assert {s["command"][0] for s in ours} == {"db", "api", "worker", "relay", "projections"}
    parser = build_parser()
    for service in ours:
        parser.parse_args(service["command"])  # each is a command line the CLI accepts


def test_what_the_dockerfile_copies_exists() -> None:
    dockerfile = (DOCKER / "Dockerfile").read_text("utf-8")
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, re.MULTILINE):
        for path in source.split():
            assert (ROOT / path).exists(), path


def test_third_party_images_are_pinned_and_secrets_are_required() -> None:
    services = compose()["services"]
    for name, service in services.items():  # type: ignore[attr-defined]
        image = service.get("image", "")
        if not image.startswith("thidua"):
            assert ":" in image, name
            assert not image.endswith(":latest"), name
        for key, value in (service.get("environment") or {}).items():
            if "PASSWORD" in key or "PWD" in key or "SECRET" in key:
                assert str(value).startswith("${"), (name, key)
                assert ":?" in str(value), (name, key)  # required, no default
            if key in ("THIDUA_POSTGRES_URL", "THIDUA_POSTGRES_OWNER_URL"):
                assert re.search(r"\$\{[A-Z_]+_PASSWORD:\?", value), name


def test_only_the_migration_holds_the_owner_role_and_every_process_connects_as_the_app_role() -> (
    None
):
    services = compose()["services"]
    ours = {n: s for n, s in services.items() if s.get("image") == "thidua:latest"}  # type: ignore[attr-defined]
    for name, service in ours.items():
        env = service["environment"]
        assert env["THIDUA_POSTGRES_URL"].startswith("postgresql://thidua_app:"), name
        if name == "migrate":
            assert env["THIDUA_POSTGRES_OWNER_URL"].startswith("postgresql://thidua_owner:")
        else:
            assert "THIDUA_POSTGRES_OWNER_URL" not in env, name
            assert env["THIDUA_POSTGRES_CREATE_SCHEMA"] == "false", name
            assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    script = (DOCKER / "postgres-init" / "10-roles.sh").read_text("utf-8")
    assert "CREATE ROLE thidua_owner" in script
    assert "CREATE ROLE thidua_app" in script
    assert "CREATE SCHEMA thidua AUTHORIZATION thidua_owner" in script


def test_the_image_installs_this_package_and_the_compose_services_have_health_checks() -> None:
    dockerfile = (DOCKER / "Dockerfile").read_text("utf-8")
    assert "COPY pyproject.toml" in dockerfile
    assert "pip wheel --no-deps --wheel-dir /wheels ." in dockerfile
    assert "--require-hashes --wheel-dir /wheels -r requirements.lock" in dockerfile
    services = compose()["services"]
    for name in ("postgres", "temporal", "api-1", "api-2"):
        assert "healthcheck" in services[name], name  # type: ignore[index]


def test_compose_runs_the_cluster_topology_with_shared_data_and_time_to_stop() -> None:
    services = compose()["services"]
    ours = {n: s for n, s in services.items() if s.get("image") == "thidua:latest"}  # type: ignore[attr-defined]
    apis = [n for n, s in ours.items() if s["command"] == ["api"]]
    assert len(apis) == 2
    assert len({ours[n]["ports"][0].split(":")[1] for n in apis}) == 2  # two host ports
    for command in (["worker", "--no-relay"], ["relay"], ["projections", "run"]):
        [name] = [n for n, s in ours.items() if s["command"] == command]
        assert ours[name]["deploy"]["replicas"] == 2, name
    for name, service in ours.items():
        assert "thidua-data:/var/lib/thidua" in service["volumes"], name
        seconds = int(str(service["stop_grace_period"]).rstrip("s"))
        assert seconds > 30, name  # more than the worker's 30 s for activities in flight
    assert "thidua-data" in compose()["volumes"]  # type: ignore[operator]


def test_every_product_process_is_told_its_public_address() -> None:
    """Production refuses to start without it: documents' links come from settings only."""
    env = compose()["x-thidua"]["environment"]  # type: ignore[index]
    assert str(env["THIDUA_PUBLIC_URL"]).startswith("${THIDUA_PUBLIC_URL:?")
