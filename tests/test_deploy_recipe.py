"""The production recipe in deploy/: nginx agrees with the portal's own limits and public
addresses, the units never migrate at start, and a backup is proven to restore (on
PostgreSQL: deploy/restore-drill.sh with its self-check)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from members.middleware import max_request_bytes
from sanatoriums.models import photo_path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX = (DEPLOY / "nginx" / "portal.conf").read_text()


def test_nginx_refuses_exactly_the_bodies_the_portal_refuses():
    limit = re.search(r"^\s*client_max_body_size (\d+);", NGINX, re.M)
    assert int(limit.group(1)) == max_request_bytes()


def nginx_photo_pattern():
    regex = re.search(r'location ~ "(.+)" \{', NGINX).group(1)
    return re.compile(regex.replace("(?<photo>", "(?P<photo>"))


class FakePhoto:
    sanatorium_id = 17


def test_nginx_serves_the_photos_under_the_names_the_portal_gives_them():
    stored = photo_path(FakePhoto(), "holiday.JPG")
    assert nginx_photo_pattern().fullmatch(f"/media/{stored}")


@pytest.mark.parametrize(
    "url",
    [
        "/media/cooperation/updates/0123456789abcdef0123456789abcdef.pdf",
        "/media/sanatoriums/17/0123456789abcdef0123456789abcdef.pdf",
        "/media/sanatoriums/17/../../cooperation/updates/x.jpg",
        "/media/sanatoriums/17/holiday.jpg",
        "/media/competitions/rules/0123456789abcdef0123456789abcdef.jpg",
    ],
)
def test_nginx_serves_nothing_else_of_media_root(url):
    assert not nginx_photo_pattern().fullmatch(url)
    # and there is no other location under /media/ that nginx would serve from disk
    assert len(re.findall(r"location [^{]*/media/", NGINX)) == 1


def test_nginx_overwrites_the_forwarded_headers_and_passes_the_request_id():
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in NGINX
    assert "$proxy_add_x_forwarded_for" not in NGINX  # that would keep what a client sent
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in NGINX
    assert "proxy_set_header X-Request-ID $request_id;" in NGINX
    assert len(re.findall(r"^\s*server \S+:\d+", NGINX, re.M)) >= 2  # two or more upstreams


def unit(name):
    return (DEPLOY / "systemd" / name).read_text()


def test_application_hosts_never_migrate_at_start():
    for name in ("portal-gunicorn.service", "portal-worker.service"):
        assert "migrate" not in "".join(
            line for line in unit(name).splitlines() if line.startswith("Exec")
        )
    migrate = unit("portal-migrate.service")
    assert "Type=oneshot" in migrate
    assert "manage.py migrate --noinput" in migrate
    assert "[Install]" not in migrate  # started by hand once per release, not at every boot


def test_the_worker_unit_runs_the_database_task_worker():
    assert "manage.py db_worker" in unit("portal-worker.service")


def test_the_sample_environment_names_only_settings_the_portal_reads():
    read = (ROOT / "config" / "settings.py").read_text() + (
        ROOT / "config" / "gunicorn.conf.py"
    ).read_text()
    for line in (DEPLOY / "portal.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name = line.split("=", 1)[0]
            assert f'"{name}"' in read, name


def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the restore drill needs PostgreSQL (pg_dump/pg_restore): set DATABASE_URL")
    for tool in ("pg_dump", "pg_restore", "psql"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")


def server_url():
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_restore_drill_passes_and_sees_a_table_or_a_file_left_out():
    postgres_only()
    # Databases of their own beside the test database: <name>_drill_source, …_restored.
    prefix = re.sub(r"[^a-z0-9_]", "_", connection.settings_dict["NAME"].lower())
    result = subprocess.run(
        ["bash", str(DEPLOY / "restore-drill.sh"), "--self-check"],
        cwd=ROOT,
        env={**os.environ, "DRILL_SERVER_URL": server_url(), "DRILL_DB_PREFIX": f"{prefix}_drill"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "restore drill passed; left-out table caught; left-out media file caught" in output
    assert "-members_historicalmember" in output  # what the first self-check found missing


@pytest.mark.postgres
@pytest.mark.django_db
def test_backups_keep_only_the_newest(tmp_path):
    postgres_only()
    media = tmp_path / "media"
    (media / "sanatoriums").mkdir(parents=True)
    (media / "sanatoriums" / "a.jpg").write_bytes(b"\xff\xd8\xff photo")
    env = {
        **os.environ,
        "DATABASE_URL": f"{server_url()}/{connection.settings_dict['NAME']}",
        "MEDIA_ROOT": str(media),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "BACKUP_KEEP": "2",
    }
    written = [
        subprocess.run(
            ["bash", str(DEPLOY / "backup.sh")],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
        for _ in range(3)
    ]
    kept = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert kept == sorted(Path(w).name for w in written[1:])
    assert all(re.fullmatch(r"portal-\d{8}T\d{6}Z", name) for name in kept)
    newest = Path(written[-1])
    assert sorted(p.name for p in newest.iterdir()) == ["SHA256SUMS", "database.dump", "media.tar"]


# --- delivery: compressed pages, fingerprinted static files kept for a year -------------


def test_nginx_compresses_the_pages_it_proxies():
    """HTML is in every gzip_types list by default; gzip_proxied any extends compression to
    the application's responses, whatever their caching headers say."""
    assert re.search(r"^\s*gzip on;", NGINX, re.M)
    assert re.search(r"^\s*gzip_proxied any;", NGINX, re.M)
    assert re.search(r"^\s*gzip_vary on;", NGINX, re.M)


def test_nginx_keeps_static_files_a_year_and_sends_them_compressed():
    static = re.search(r"location /static/ \{(.*?)\}", NGINX, re.S).group(1)
    assert 'Cache-Control "public, max-age=31536000, immutable"' in static
    assert "gzip_static on;" in static


def test_static_files_are_fingerprinted_and_immutable_in_production():
    """Production's storage writes each file under a name holding its content's hash (and a
    compressed copy beside it), which nginx (above) and whitenoise serve as immutable."""
    production = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
            "django.setup(); from django.conf import settings; "
            "print(settings.STORAGES['staticfiles']['BACKEND'])",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "STATICFILES_STORAGE"},
            "DEBUG": "false",
            "SECRET_KEY": "x" * 50,
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert production == "whitenoise.storage.CompressedManifestStaticFilesStorage"
