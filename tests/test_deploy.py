"""invoke deploy: only a published site, nothing of the demo, only what
changed, to a folder, FTP, FTPS, SFTP and rsync over SSH, and every
refusal a German line with its fix."""

import datetime
import hashlib
import ipaddress
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sitebuild import copy_of, copy_project, free_port
from sitetasks.demo import DEMO_CONTENT

PASSWORD = "Kunde-geheim-4711"
SUMMARY = re.compile(r"^Online: (\d+) Dateien? neu, (\d+) geändert, (\d+) gelöscht$", re.M)


def invoke(project, *args, env=None, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args], cwd=project, capture_output=True, text=True,
        input=stdin if stdin is not None else "", env={**os.environ, **(env or {})},
    )


def one_line(text):
    return " ".join(text.split())


def author_site(target):
    """A copy of the project whose content is the author's own: the demo's
    cases each edited, the pages rewritten, no demo photo."""
    project = copy_project(target)
    content = project / "content"
    for folder in ("faelle", "pages", "images"):
        shutil.rmtree(content / folder, ignore_errors=True)
    (content / "faelle").mkdir()
    (content / "pages").mkdir()
    for case in sorted((DEMO_CONTENT / "faelle").glob("*.md")):
        text = case.read_text(encoding="utf-8")
        text = re.sub(r"^Image.*\n", "", text, flags=re.M)  # the author's cases bring no photo
        (content / "faelle" / case.name).write_text(text + "\nEin Satz der Autorin.\n", encoding="utf-8")
    (content / "pages" / "impressum.md").write_text(
        "Title: Impressum\nSlug: impressum\n\nErika Muster, Musterweg 1, 12345 Musterstadt\n", encoding="utf-8")
    return project


def published(project):
    result = invoke(project, "publish")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def snapshot(folder, skip=(".deploy-stand.json",)):
    folder = Path(folder)
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name not in skip
    }


def age(folder):
    """Set every file's time to long ago, so a file written later stands out."""
    for path in Path(folder).rglob("*"):
        if path.is_file():
            os.utime(path, (1_000_000_000, 1_000_000_000))


def written_since_aged(folder):
    """Files written (or replaced) since ``age``: a new time or a new file in their place."""
    return {
        path.relative_to(folder).as_posix()
        for path in Path(folder).rglob("*")
        if path.is_file() and path.name != ".deploy-stand.json" and path.stat().st_mtime > 1_000_000_001
    }


def edit_one_case(project, number=3):
    case = next((project / "content" / "faelle").glob(f"fall-{number:02d}-*.md"))
    case.write_text(case.read_text(encoding="utf-8") + "\nNoch ein Satz, später ergänzt.\n", encoding="utf-8")


def changed_between(before, after):
    """The files a deploy from ``before`` to ``after`` must send (new or changed), and the counts it must report."""
    added = {path for path in after if path not in before}
    changed = {path for path in after if path in before and before[path] != after[path]}
    deleted = {path for path in before if path not in after}
    return added | changed, (len(added), len(changed), len(deleted))


def summary_of(result):
    found = SUMMARY.findall(result.stdout)
    assert found, result.stdout + result.stderr
    assert result.stdout.rstrip().splitlines()[-1].startswith("Online: ")  # the last line, no rsync statistics
    return tuple(int(number) for number in found[-1])


def no_password_in(project):
    for path in Path(project).rglob("*"):
        if path.is_file() and ".venv" not in path.parts:
            assert PASSWORD.encode() not in path.read_bytes(), path


# --- a local folder -----------------------------------------------------------

@pytest.fixture(scope="module")
def author_published_once(tmp_path_factory):
    """The author's site, published once for the module; only copied from."""
    return published(author_site(tmp_path_factory.mktemp("author") / "site"))


@pytest.fixture
def author(author_published_once, tmp_path):
    """A copy of the published author's site for one test (output/, the
    published mark and the caches with it): a test changes only its own."""
    return copy_of(author_published_once, tmp_path / "site")


def test_deploy_to_a_folder_then_only_what_changed(author, tmp_path):
    www = tmp_path / "www"
    first = invoke(author, "deploy", "--target", str(www))
    assert first.returncode == 0, first.stderr
    files = snapshot(author / "output")
    assert summary_of(first) == (len(files), 0, 0)
    assert snapshot(www) == files

    before = files
    age(www)
    edit_one_case(author)
    published(author)
    after = snapshot(author / "output")
    second = invoke(author, "deploy", "--target", str(www))
    assert second.returncode == 0, second.stderr
    changed, counts = changed_between(before, after)
    assert "fall/3/index.html" in changed
    assert not any(re.fullmatch(r"fall/(?!3/)\d+/index\.html", path) for path in changed)
    assert len(changed) < len(after) / 4
    assert summary_of(second) == counts
    assert written_since_aged(www) == changed  # nothing else was transferred
    assert snapshot(www) == after


def test_files_gone_from_the_site_are_deleted_on_the_host(author, tmp_path):
    www = tmp_path / "www"
    assert invoke(author, "deploy", "--target", str(www)).returncode == 0
    foreign = www / "von-hand.txt"  # not put there by deploy: it stays
    foreign.write_text("bleibt", encoding="utf-8")
    next((author / "content" / "faelle").glob("fall-06-*.md")).unlink()
    published(author)
    result = invoke(author, "deploy", "--target", str(www))
    assert result.returncode == 0, result.stderr
    assert summary_of(result)[2] >= 1
    assert not (www / "fall" / "6").exists()
    assert foreign.is_file()
    assert snapshot(www, skip=(".deploy-stand.json", "von-hand.txt")) == snapshot(author / "output")


def test_a_dry_run_lists_what_would_change_and_changes_nothing(author, tmp_path):
    www = tmp_path / "www"
    assert invoke(author, "deploy", "--target", str(www)).returncode == 0
    edit_one_case(author)
    next((author / "content" / "faelle").glob("fall-06-*.md")).unlink()
    published(author)
    before = snapshot(www)
    result = invoke(author, "deploy", "--target", str(www), "--dry-run")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Probelauf für {www}")
    assert any(re.fullmatch(r"Neu: keine|Neu \(\d+\): .*", line) for line in lines)
    changed = next(line for line in lines if line.startswith("Geändert ("))
    assert "fall/3/index.html" in changed
    deleted = next(line for line in lines if line.startswith("Gelöscht ("))
    assert "fall/6/index.html" in deleted
    count = int(re.match(r"Geändert \((\d+)\)", changed)[1])
    assert re.fullmatch(rf"Würde hochladen: \d+ Dateien? neu, {count} geändert, \d+ gelöscht", lines[-1])
    assert snapshot(www) == before
    assert "Online:" not in result.stdout


def test_deploy_ships_only_a_published_site(author, tmp_path):
    assert invoke(author, "build").returncode == 0
    refused = invoke(author, "deploy", "--target", str(tmp_path / "www"), "--dry-run")
    assert refused.returncode != 0
    assert "output/ ist nicht die veröffentlichte Fassung" in refused.stderr and "invoke publish" in refused.stderr
    assert not (tmp_path / "www").exists()


def test_deploy_refuses_a_lenient_build_and_keeps_a_published_site_after_a_failed_publish(author, tmp_path):
    case = next((author / "content" / "faelle").glob("fall-02-*.md"))
    case.write_text(re.sub(r"^Fall: .*\n", "", case.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    assert invoke(author, "publish").returncode != 0
    assert invoke(author, "deploy", "--target", str(tmp_path / "www"), "--dry-run").returncode == 0
    # A lenient build with the published settings looks like the real site, but nobody checked it strictly.
    assert invoke(author, "preview").returncode == 0
    refused = invoke(author, "deploy", "--target", str(tmp_path / "www"), "--dry-run")
    assert refused.returncode != 0
    assert "output/ ist nicht die veröffentlichte Fassung" in refused.stderr


def test_deploy_without_rsync_is_a_message(author):
    result = invoke(author, "deploy", "--target", "kunde@example.org:/www/", env={"PATH": str(author / "kein-programm")})
    assert result.returncode != 0
    assert "„rsync“ ist nicht installiert" in result.stderr
    assert "Traceback" not in result.stderr


def test_deploy_uses_the_target_saved_by_the_set_up(author, tmp_path):
    www = tmp_path / "gespeichert"
    set_up = invoke(author, "deploy-einrichten", stdin=f"5\n{www}\n")
    assert set_up.returncode == 0, set_up.stdout + set_up.stderr
    assert "Verbindung steht" in set_up.stdout
    saved = (author / "deploy.toml").read_text(encoding="utf-8")
    assert f'ziel = "{www}"' in saved
    result = invoke(author, "deploy")
    assert result.returncode == 0, result.stderr
    assert snapshot(www) == snapshot(author / "output")


def test_no_target_says_how_to_set_one_up(author):
    result = invoke(author, "deploy")
    assert result.returncode != 0
    assert "Kein Ziel eingerichtet: „invoke deploy-einrichten“" in result.stderr
    assert "Traceback" not in result.stderr


# --- refusals -----------------------------------------------------------------

def test_deploy_refuses_every_demo_file_and_names_the_fix(tmp_path):
    project = author_site(tmp_path / "site")
    (project / "content" / "faelle" / "fall-11-weiterleitung-kreisverkehr.md").unlink()
    shutil.copy(DEMO_CONTENT / "faelle" / "fall-11-weiterleitung-kreisverkehr.md", project / "content" / "faelle" / "fall-11-x.md")
    shutil.copy(DEMO_CONTENT / "images" / "fall-02.jpg", project / "content" / "images-alt.jpg")
    shutil.copy(DEMO_CONTENT / "pages" / "ueber.md", project / "content" / "pages" / "ueber.md")
    published(project)  # the demo passes a strict publish: deploy is what keeps it offline
    result = invoke(project, "deploy", "--target", str(tmp_path / "www"))
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert lines[0] == "Nicht hochgeladen: Die Website enthält noch Teile der Demo, die nicht online gehen dürfen."
    fix = "„invoke demo-entfernen“ entfernt alle Dateien der Demo auf einmal."
    assert f"  – content/faelle/fall-11-x.md: ein Beispielfall der Demo (unverändert). {fix}" in lines
    assert f"  – content/images-alt.jpg: eine Datei der Demo (unverändert). {fix}" in lines
    assert f"  – content/pages/ueber.md: eine Seite der Demo (unverändert). {fix}" in lines
    assert len(lines) == 4
    assert not (tmp_path / "www").exists()


def test_the_project_as_shipped_is_refused_with_every_fix(tmp_path):
    project = copy_project(tmp_path / "site")
    shutil.rmtree(project / "content")
    shutil.copytree(DEMO_CONTENT, project / "content")
    shutil.copy(Path(__file__).resolve().parent.parent / "deploy.toml", project / "deploy.toml")
    result = invoke(project, "deploy")
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert lines[0] == "Nicht hochgeladen: Die Website enthält noch Teile der Demo, die nicht online gehen dürfen."
    demo = sorted(path.relative_to(DEMO_CONTENT).as_posix() for path in DEMO_CONTENT.rglob("*") if path.is_file())
    named = [re.match(r"  – content/(\S+): ", line)[1] for line in lines[1:-1]]
    assert named == demo  # all eight cases (Fall 11 too), the photos, the pages
    assert lines[-1].startswith("  – Das Ziel „kunde@www.der-eingebaute-kunde.de:/var/www/der-eingebaute-kunde/“ ist das Beispiel")


def test_deploy_refuses_a_placeholder_page_even_when_edited(author, tmp_path):
    impressum = (DEMO_CONTENT / "pages" / "impressum.md").read_text(encoding="utf-8")
    (author / "content" / "pages" / "impressum.md").write_text(impressum + "\nErika Muster, Musterweg 1\n", encoding="utf-8")
    result = invoke(author, "deploy", "--target", str(tmp_path / "www"), "--dry-run")
    assert result.returncode != 0
    assert ("  – content/pages/impressum.md: Zeile 4 ist noch ein Platzhalter. Ersetzen Sie den Text durch Ihren "
            "eigenen (diese Zeile eingeschlossen) oder löschen Sie die Seite.") in result.stderr.splitlines()


def test_deploy_refuses_the_example_target(author):
    shutil.copy(Path(__file__).resolve().parent.parent / "deploy.toml", author / "deploy.toml")
    result = invoke(author, "deploy", "--dry-run")
    assert result.returncode != 0
    assert result.stderr.startswith("Nicht hochgeladen:\n  – ")
    assert ("Das Ziel „kunde@www.der-eingebaute-kunde.de:/var/www/der-eingebaute-kunde/“ ist das Beispiel, mit dem "
            "das Projekt kommt, nicht Ihr Server. Richten Sie Ihr Ziel mit „invoke deploy-einrichten“ ein") in result.stderr


def test_deploy_refuses_to_delete_more_than_a_quarter_of_the_cases(author, tmp_path):
    www = tmp_path / "www"
    assert invoke(author, "deploy", "--target", str(www)).returncode == 0
    for case in sorted((author / "content" / "faelle").glob("*.md"))[:3]:  # 3 of 7 published cases
        case.unlink()
    published(author)
    before = snapshot(www)
    refused = invoke(author, "deploy", "--target", str(www))
    assert refused.returncode != 0
    message = one_line(refused.stderr)
    assert "Dieses Hochladen würde 3 der 7 Fälle auf dem Server löschen" in message
    assert "„invoke deploy --auch-loeschen“" in message
    assert snapshot(www) == before
    allowed = invoke(author, "deploy", "--target", str(www), "--auch-loeschen")
    assert allowed.returncode == 0, allowed.stderr
    assert snapshot(www) == snapshot(author / "output")


def test_deploy_refuses_a_site_without_cases(author, tmp_path):
    shutil.rmtree(author / "content" / "faelle")
    published(author)
    refused = invoke(author, "deploy", "--target", str(tmp_path / "www"))
    assert refused.returncode != 0
    assert "enthält keinen einzigen Fall" in one_line(refused.stderr)
    assert "„invoke deploy --auch-loeschen“" in one_line(refused.stderr)
    assert not (tmp_path / "www").exists()


def test_demo_entfernen_removes_exactly_the_demo_after_asking(tmp_path):
    project = copy_project(tmp_path / "site")
    content = project / "content"
    shutil.rmtree(content)
    shutil.copytree(DEMO_CONTENT, content)
    edited = content / "faelle" / "fall-01-maler-urlaub.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMein Satz.\n", encoding="utf-8")
    own = content / "faelle" / "fall-12-eigener.md"
    own.write_text("Title: Eigener Fall\nFall: 12\nDate: 2024-05-14\n\nText.\n", encoding="utf-8")
    demo = sorted(path.relative_to(DEMO_CONTENT) for path in DEMO_CONTENT.rglob("*") if path.is_file())

    declined = invoke(project, "demo-entfernen", stdin="n\n")
    assert declined.returncode != 0
    assert "Nichts gelöscht" in declined.stderr
    assert all((content / path).is_file() for path in demo)

    removed = invoke(project, "demo-entfernen", stdin="j\n")
    assert removed.returncode == 0, removed.stderr
    left = sorted(path.relative_to(content).as_posix() for path in content.rglob("*") if path.is_file())
    assert left == ["faelle/fall-01-maler-urlaub.md", "faelle/fall-12-eigener.md"]
    assert "faelle/fall-11-weiterleitung-kreisverkehr.md" in {p.as_posix() for p in demo}

    shutil.copy(DEMO_CONTENT / "pages" / "impressum.md", content / "impressum.md")
    scripted = invoke(project, "demo-entfernen", "--ja")
    assert scripted.returncode == 0 and not (content / "impressum.md").exists()


# --- FTP and FTPS (pyftpdlib on 127.0.0.1) ----------------------------------------

class FTPServer:
    def __init__(self, root, tls_cert=None):
        from pyftpdlib.authorizers import DummyAuthorizer
        from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler
        from pyftpdlib.servers import ThreadedFTPServer

        self.received = []
        received = self.received
        authorizer = DummyAuthorizer()
        authorizer.add_user("autorin", PASSWORD, str(root), perm="elradfmwMT")
        base = TLS_FTPHandler if tls_cert else FTPHandler

        class Handler(base):
            def on_file_received(self, file):
                received.append(Path(file).relative_to(root).as_posix())

        Handler.authorizer = authorizer
        if tls_cert:
            Handler.certfile = str(tls_cert)
            Handler.tls_control_required = Handler.tls_data_required = True
        self.port = free_port()
        self.server = ThreadedFTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"timeout": 0.2}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.close_all()
        # Its loop thread closes pyftpdlib's shared IOLoop as it ends: the
        # next test's server must not start before it has.
        self.thread.join(timeout=30)


def test_deploy_over_ftp_only_what_changed_and_no_password_in_a_file(author, tmp_path):
    root = tmp_path / "ftp"
    root.mkdir()
    with FTPServer(root) as server:
        target = f"ftp://autorin@127.0.0.1:{server.port}/www"
        first = invoke(author, "deploy", "--target", target, env={"DEPLOY_PASSWORD": PASSWORD})
        assert first.returncode == 0, first.stderr
        assert first.stdout.startswith("Achtung: ftp:// überträgt Ihr Passwort und alle Dateien unverschlüsselt.")
        before = snapshot(author / "output")
        assert summary_of(first) == (len(before), 0, 0)
        assert snapshot(root / "www") == before

        edit_one_case(author)
        published(author)
        after = snapshot(author / "output")
        del server.received[:]
        second = invoke(author, "deploy", "--target", target, env={"DEPLOY_PASSWORD": PASSWORD})
        assert second.returncode == 0, second.stderr
        changed, counts = changed_between(before, after)
        assert summary_of(second) == counts
        # Each changed file once; the manifest before the transfers (marking them unknown) and after.
        assert sorted(path for path in server.received if path != "www/.deploy-stand.json") == sorted(f"www/{p}" for p in changed)
        assert server.received.count("www/.deploy-stand.json") == 2
        assert snapshot(root / "www") == after

        wrong = invoke(author, "deploy", "--target", target, env={"DEPLOY_PASSWORD": "falsch"})
        assert wrong.returncode != 0
        assert "Die Anmeldung als autorin@127.0.0.1 wurde abgelehnt" in wrong.stderr
        assert "Traceback" not in wrong.stderr
    no_password_in(author)


def self_signed_certificate(folder):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = folder / "server.pem"
    pem.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        + certificate.public_bytes(serialization.Encoding.PEM)
    )
    trusted = folder / "trusted.pem"
    trusted.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return pem, trusted


def test_deploy_over_ftps_checks_the_certificate(author, tmp_path):
    root = tmp_path / "ftps"
    root.mkdir()
    pem, trusted = self_signed_certificate(tmp_path)
    with FTPServer(root, tls_cert=pem) as server:
        target = f"ftps://autorin@127.0.0.1:{server.port}/www"
        untrusted = invoke(author, "deploy", "--target", target, env={"DEPLOY_PASSWORD": PASSWORD})
        assert untrusted.returncode != 0
        assert "Das Zertifikat von 127.0.0.1 ist nicht gültig" in untrusted.stderr
        assert server.received == []

        result = invoke(author, "deploy", "--target", target, env={"DEPLOY_PASSWORD": PASSWORD, "SSL_CERT_FILE": str(trusted)})
        assert result.returncode == 0, result.stderr
        assert "unverschlüsselt" not in result.stdout
        assert summary_of(result) == (len(snapshot(author / "output")), 0, 0)
        assert snapshot(root / "www") == snapshot(author / "output")
    no_password_in(author)


def test_set_up_for_ftp_asks_tests_and_saves_no_password(author, tmp_path):
    root = tmp_path / "ftp"
    root.mkdir()
    with FTPServer(root) as server:
        answers = f"3\n127.0.0.1\nautorin\n{server.port}\n/www\n{PASSWORD}\nj\n"
        result = invoke(author, "deploy-einrichten", stdin=answers,
                        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Achtung: ftp:// überträgt Passwort und Dateien unverschlüsselt." in result.stdout
        assert "Verbindung steht. Dort liegt noch keine Veröffentlichung dieser Website." in result.stdout
        assert "Auf diesem Rechner gibt es keinen Schlüsselbund" in one_line(result.stdout)
        assert f'ziel = "ftp://autorin@127.0.0.1:{server.port}/www"' in (author / "deploy.toml").read_text(encoding="utf-8")
        deployed = invoke(author, "deploy", env={"DEPLOY_PASSWORD": PASSWORD})
        assert deployed.returncode == 0, deployed.stderr
    no_password_in(author)


# --- SFTP and rsync over SSH (OpenSSH's sshd on 127.0.0.1) -----------------------------

@pytest.fixture
def sshd(tmp_path):
    """OpenSSH's sshd on a free port of 127.0.0.1 with its own host key, letting
    in this user with a key of its own; HOME holds the client's key and knows
    the host, as after deploy-einrichten."""
    folder = tmp_path / "sshd"
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    folder.mkdir()
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / "host_key")], check=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(home / ".ssh" / "id_ed25519")], check=True)
    shutil.copy(home / ".ssh" / "id_ed25519.pub", folder / "authorized_keys")
    port = free_port()
    (folder / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {folder / 'host_key'}\n"
        f"AuthorizedKeysFile {folder / 'authorized_keys'}\nPidFile {folder / 'sshd.pid'}\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
        "PermitRootLogin prohibit-password\nSubsystem sftp internal-sftp\n", encoding="utf-8")
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation folder
    host_key = (folder / "host_key.pub").read_text().split()
    known = f"[127.0.0.1]:{port} {host_key[0]} {host_key[1]}\n"
    user = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
    (folder / "ssh_config").write_text(
        f"Host 127.0.0.1\n  Port {port}\n  IdentityFile {home / '.ssh' / 'id_ed25519'}\n"
        f"  UserKnownHostsFile {home / '.ssh' / 'known_hosts'}\n  BatchMode yes\n", encoding="utf-8")
    server = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(folder / "sshd_config")],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        # sshd says it listens before the test connects (no timing involved).
        for line in server.stdout:
            if "Server listening on 127.0.0.1" in line:
                break
        else:
            pytest.fail("sshd did not start: " + str(server.wait()))
        # sshd logs every connection: keep its pipe drained so it never blocks.
        threading.Thread(target=server.stdout.read, daemon=True).start()
        yield {"port": port, "home": home, "known": known, "user": user, "ssh_config": folder / "ssh_config"}
    finally:
        server.terminate()
        server.wait()


def test_deploy_over_sftp_knows_the_host_and_sends_only_what_changed(author, tmp_path, sshd):
    www = tmp_path / "sftp-www"
    target = f"sftp://{sshd['user']}@127.0.0.1:{sshd['port']}{www}"
    env = {"HOME": str(sshd["home"])}

    unknown = invoke(author, "deploy", "--target", target, env=env)
    assert unknown.returncode != 0
    assert "ist diesem Rechner noch unbekannt (Fingerabdruck SHA256:" in unknown.stderr
    assert "„invoke deploy-einrichten“" in unknown.stderr
    assert not www.exists()

    (sshd["home"] / ".ssh" / "known_hosts").write_text(sshd["known"], encoding="utf-8")
    dry = invoke(author, "deploy", "--target", target, "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "Auf dem Ziel liegt noch keine Liste einer früheren Veröffentlichung" in one_line(dry.stdout)
    assert not www.exists()  # a dry run makes nothing on the host, not even its folder
    first = invoke(author, "deploy", "--target", target, env=env)
    assert first.returncode == 0, first.stderr
    before = snapshot(author / "output")
    assert summary_of(first) == (len(before), 0, 0)
    assert snapshot(www) == before

    age(www)
    edit_one_case(author)
    published(author)
    after = snapshot(author / "output")
    second = invoke(author, "deploy", "--target", target, env=env)
    assert second.returncode == 0, second.stderr
    changed, counts = changed_between(before, after)
    assert summary_of(second) == counts
    assert written_since_aged(www) == changed
    assert snapshot(www) == after


def test_set_up_for_sftp_shows_the_fingerprint_and_remembers_the_host(author, tmp_path, sshd):
    www = tmp_path / "sftp-www"
    env = {"HOME": str(sshd["home"])}
    answers = f"1\n127.0.0.1\n{sshd['user']}\n{sshd['port']}\n{www}\nj\n"
    result = invoke(author, "deploy-einrichten", stdin=answers, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    fingerprint = subprocess.run(["ssh-keygen", "-l", "-f", "-"], input=sshd["known"].split(" ", 1)[1],
                                 capture_output=True, text=True, check=True).stdout.split()[1]
    assert f"Sein Fingerabdruck: {fingerprint}" in result.stdout
    assert "Verbindung steht." in result.stdout
    deployed = invoke(author, "deploy", env=env)
    assert deployed.returncode == 0, deployed.stderr
    assert snapshot(www) == snapshot(author / "output")


def test_deploy_with_rsync_over_ssh_speaks_german(author, tmp_path, sshd):
    www = tmp_path / "rsync-www"
    www.mkdir()
    env = {"RSYNC_RSH": f"ssh -F {sshd['ssh_config']}"}
    (sshd["home"] / ".ssh" / "known_hosts").write_text(sshd["known"], encoding="utf-8")
    target = f"{sshd['user']}@127.0.0.1:{www}/"
    first = invoke(author, "deploy", "--target", target, env=env)
    assert first.returncode == 0, first.stderr
    before = snapshot(author / "output")
    assert summary_of(first) == (len(before), 0, 0)
    assert "sent" not in first.stdout and "speedup" not in first.stdout
    assert snapshot(www) == before

    age(www)
    edit_one_case(author)
    published(author)
    after = snapshot(author / "output")
    dry = invoke(author, "deploy", "--target", target, "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    changed, counts = changed_between(before, after)
    assert dry.stdout.splitlines()[-1] == "Würde hochladen: {} Dateien neu, {} geändert, {} gelöscht".format(*counts)
    second = invoke(author, "deploy", "--target", target, env=env)
    assert second.returncode == 0, second.stderr
    assert summary_of(second) == counts
    assert written_since_aged(www) == changed
    assert snapshot(www) == after


KEYRING_BACKEND = '''
import json, os
from pathlib import Path
from keyring.backend import KeyringBackend

class Keyring(KeyringBackend):
    """The system's keyring as deploy sees it, kept in a file outside the project."""
    priority = 1

    def _read(self):
        path = Path(os.environ["TEST_KEYRING_FILE"])
        return json.loads(path.read_text()) if path.exists() else {}

    def get_password(self, service, username):
        return self._read().get(f"{service}|{username}")

    def set_password(self, service, username, password):
        stored = self._read()
        stored[f"{service}|{username}"] = password
        Path(os.environ["TEST_KEYRING_FILE"]).write_text(json.dumps(stored))

    def delete_password(self, service, username):
        pass
'''


def test_a_password_kept_in_the_keyring_is_used_without_asking(author, tmp_path):
    backend = tmp_path / "schluesselbund"
    backend.mkdir()
    (backend / "testkeyring.py").write_text(KEYRING_BACKEND, encoding="utf-8")
    env = {"PYTHONPATH": str(backend), "PYTHON_KEYRING_BACKEND": "testkeyring.Keyring",
           "TEST_KEYRING_FILE": str(backend / "passwoerter.json")}
    root = tmp_path / "ftp"
    root.mkdir()
    with FTPServer(root) as server:
        answers = f"3\n127.0.0.1\nautorin\n{server.port}\n/www\n{PASSWORD}\nj\n"
        set_up = invoke(author, "deploy-einrichten", stdin=answers, env=env)
        assert set_up.returncode == 0, set_up.stdout + set_up.stderr
        assert "Das Passwort liegt im Schlüsselbund des Systems." in set_up.stdout
        assert PASSWORD in (backend / "passwoerter.json").read_text()
        deployed = invoke(author, "deploy", env=env)  # no DEPLOY_PASSWORD, nothing typed
        assert deployed.returncode == 0, deployed.stderr
        assert snapshot(root / "www") == snapshot(author / "output")
        without = invoke(author, "deploy", env={**env, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
        assert without.returncode != 0
        assert "Kein Passwort für autorin@127.0.0.1" in one_line(without.stderr)
    no_password_in(author)
