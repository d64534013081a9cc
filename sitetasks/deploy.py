"""Deploy: copy the published site in output/ to the author's host, only
what changed, and say in German what happened.

Targets (``parse_target``): a local folder, ``user@host:/path`` (rsync over
SSH), ``sftp://``, ``ftps://`` and ``ftp://user@host[:port]/path``.

What changed is known from a manifest of paths and SHA-256 digests kept on
the host (``MANIFEST_NAME``): FTP has no reliable digests or timestamps to
compare, and listing a whole host over FTP is slow, so the host keeps the
list of what the last deploy put there. It is rewritten last, after every
upload and deletion; before the transfers begin, a manifest marks the files
about to be written as unknown, so a deploy cut off midway sends them again
next time and deletes what it left that the site no longer has. On a host
without a manifest (the first deploy) everything is uploaded and nothing
deleted: what lies there already was not put there by this site. rsync
compares the files itself (by checksum) and needs no manifest.
"""

import ftplib
import hashlib
import io
import json
import os
import re
import shutil
import ssl
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitetasks.demo import example_target_problem, leftovers
from sitetasks.output import build_lock, published_differences
from sitetasks.site import BUILD_LOCK, CONTENT, OUTPUT, PUBLISHED_MARKER, ROOT

CONFIG = ROOT / "deploy.toml"
MANIFEST_NAME = ".deploy-stand.json"
KEYRING_SERVICE = "der-eingebaute-kunde deploy"
CASE_PAGE = re.compile(r"^fall/\d+/index\.html$")
SHOWN_NAMES = 5  # names a dry run lists for each kind of change
DEFAULT_PORTS = {"sftp": 22, "ftps": 21, "ftp": 21}
RSYNC_OPTIONS = ["--recursive", "--links", "--perms", "--checksum", "--delete", "--itemize-changes"]


class DeployError(Exception):
    """Why a deploy did not happen, in German, with what to do."""


@dataclass(frozen=True)
class Target:
    kind: str  # "folder", "rsync", "sftp", "ftps" or "ftp"
    text: str  # as the author wrote it
    user: str = ""
    host: str = ""
    port: int = 0
    path: str = ""

    @property
    def account(self):
        return f"{self.user}@{self.host}"


TARGET_FORMS = (
    "ein Ordner auf diesem Rechner, nutzer@host:/pfad (rsync über SSH), "
    "sftp://nutzer@host/pfad, ftps://nutzer@host/pfad oder ftp://nutzer@host/pfad"
)


def parse_target(text, root=ROOT):
    text = text.strip()
    if not text:
        raise DeployError(f"Das Ziel ist leer. Möglich sind {TARGET_FORMS}.")
    if "://" in text:
        parts = urlsplit(text)
        if parts.scheme not in DEFAULT_PORTS:
            raise DeployError(f"„{parts.scheme}://“ kennt deploy nicht (Ziel „{text}“). Möglich sind {TARGET_FORMS}.")
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError:
            raise DeployError(f"Die Portnummer in „{text}“ ist keine Zahl von 1 bis 65535.") from None
        if not parts.hostname or not parts.username:
            raise DeployError(f"Im Ziel „{text}“ fehlen Nutzername oder Server: schreiben Sie {parts.scheme}://nutzer@host/pfad.")
        if parts.password:
            raise DeployError(
                f"Das Ziel „{parts.scheme}://{parts.username}:…@{parts.hostname}“ enthält ein Passwort. Lassen Sie es weg: "
                "deploy fragt danach, nimmt es aus dem Schlüsselbund oder aus DEPLOY_PASSWORD."
            )
        return Target(parts.scheme, text, unquote(parts.username), parts.hostname, port, unquote(parts.path) or "/")
    remote = re.fullmatch(r"(?:([^@/:\s]+)@)?([^@/:\s]+):(.*)", text)
    if remote:
        return Target("rsync", text, remote.group(1) or "", remote.group(2), 22, remote.group(3))
    folder = (Path(root) / Path(text).expanduser()).resolve()
    for own in (OUTPUT, CONTENT, ROOT):
        if folder == own.resolve() or (own != ROOT and own.resolve() in folder.parents):
            raise DeployError(f"Das Ziel „{text}“ ist ein Ordner des Projekts selbst; wählen Sie einen Ordner außerhalb.")
    if OUTPUT.resolve().is_relative_to(folder):
        raise DeployError(f"Der Ordner „{text}“ enthält output/ selbst; wählen Sie einen anderen.")
    return Target("folder", text, path=str(folder))


# --- the saved target -------------------------------------------------------

def saved_target(config=CONFIG):
    """The target written by ``invoke deploy-einrichten``, or None."""
    config = Path(config)
    if not config.is_file():
        return None
    try:
        settings = tomllib.loads(config.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise DeployError(
            f"{config.name} ist nicht lesbar ({error}). Richten Sie das Ziel mit „invoke deploy-einrichten“ neu ein."
        ) from None
    target = settings.get("ziel")
    if not isinstance(target, str) or not target.strip():
        raise DeployError(f"In {config.name} fehlt die Zeile ziel = \"…\". Richten Sie das Ziel mit „invoke deploy-einrichten“ ein.")
    return target


def save_target(target, config=CONFIG):
    """Write the target (never a password) to the project's deploy.toml."""
    config = Path(config)
    text = (
        "# Wohin „invoke deploy“ die Website lädt; angelegt von „invoke deploy-einrichten“.\n"
        "# Ein Passwort steht hier nie: es kommt aus dem Schlüsselbund des Systems,\n"
        "# aus der Umgebungsvariable DEPLOY_PASSWORD oder wird beim Hochladen abgefragt.\n"
        f"ziel = {json.dumps(target, ensure_ascii=False)}\n"
    )
    part = config.with_name(config.name + ".part")
    part.write_text(text, encoding="utf-8")
    os.replace(part, config)


# --- passwords --------------------------------------------------------------

def keyring_password(target):
    """The password stored in the system's keyring, or None where there is none
    or no keyring at all (a server without a desktop session)."""
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, target.account)
    except Exception:  # noqa: BLE001 (any backend failure means: no stored password)
        return None


def store_in_keyring(target, password):
    """Keep the password in the system's keyring; False where there is none."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, target.account, password)
        return True
    except Exception:  # noqa: BLE001
        return False


def find_password(target, given=None, ask=None):
    if given:
        return given
    if os.environ.get("DEPLOY_PASSWORD"):
        return os.environ["DEPLOY_PASSWORD"]
    stored = keyring_password(target)
    if stored:
        return stored
    if ask:
        return ask(f"Passwort für {target.account}: ")
    raise DeployError(
        f"Kein Passwort für {target.account}: rufen Sie deploy in einem Terminal auf (es fragt danach), "
        "speichern Sie es mit „invoke deploy-einrichten“ im Schlüsselbund oder setzen Sie DEPLOY_PASSWORD."
    )


# --- what changed -----------------------------------------------------------

def digest(path):
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def site_files(output=OUTPUT):
    """Every file of the site: its path (with /) and digest."""
    output = Path(output)
    return {
        path.relative_to(output).as_posix(): digest(path)
        for path in sorted(output.rglob("*"))
        if path.is_file() and path.name != MANIFEST_NAME
    }


@dataclass
class Plan:
    added: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    deleted: list = field(default_factory=list)
    cases_on_host: int = 0
    cases_deleted: int = 0
    cases_after: int = 0
    first: bool = False  # nothing on the host says what an earlier deploy put there


def plan_changes(local, remote):
    """What to upload and delete so the host holds ``local``; ``remote`` is the
    host's manifest (None: unknown, so nothing is deleted)."""
    plan = Plan(first=remote is None)
    remote = remote or {}
    for path, wanted in local.items():
        if path not in remote:
            plan.added.append(path)
        elif remote[path] != wanted:
            plan.changed.append(path)
    plan.deleted = sorted(path for path in remote if path not in local)
    plan.cases_on_host = sum(1 for path in remote if CASE_PAGE.match(path))
    plan.cases_deleted = sum(1 for path in plan.deleted if CASE_PAGE.match(path))
    plan.cases_after = sum(1 for path in local if CASE_PAGE.match(path))
    return plan


def count(number, one, many):
    return f"{number} {one if number == 1 else many}"


def summary(plan, prefix="Online"):
    return (f"{prefix}: {count(len(plan.added), 'Datei', 'Dateien')} neu, {len(plan.changed)} geändert, "
            f"{len(plan.deleted)} gelöscht")


def plan_lines(plan, target):
    lines = [f"Probelauf für {target.text} – hochgeladen und gelöscht wird nichts."]
    if plan.first:
        lines.append(
            "Auf dem Ziel liegt noch keine Liste einer früheren Veröffentlichung: alles wird hochgeladen, "
            "gelöscht wird nichts (was dort schon liegt, bleibt)."
        )
    for title, paths in (("Neu", plan.added), ("Geändert", plan.changed), ("Gelöscht", plan.deleted)):
        if not paths:
            lines.append(f"{title}: keine")
            continue
        shown = ", ".join(paths[:SHOWN_NAMES])
        more = f" und {len(paths) - SHOWN_NAMES} weitere" if len(paths) > SHOWN_NAMES else ""
        lines.append(f"{title} ({len(paths)}): {shown}{more}")
    lines.append(summary(plan, prefix="Würde hochladen"))
    return lines


def deletion_problem(plan):
    """A refusal when the deploy would take the archive offline."""
    if plan.cases_after == 0:
        return (
            "Die veröffentlichte Fassung in output/ enthält keinen einzigen Fall (kein output/fall/N/index.html); "
            "online wären danach keine Fälle mehr. Prüfen Sie content/faelle/ und rufen Sie „invoke publish“ auf. "
            "Soll die Website wirklich ohne Fälle online gehen: „invoke deploy --auch-loeschen“."
        )
    if plan.cases_on_host and plan.cases_deleted * 4 > plan.cases_on_host:
        return (
            f"Dieses Hochladen würde {plan.cases_deleted} der {plan.cases_on_host} Fälle auf dem Server löschen "
            f"(z. B. {', '.join(p for p in plan.deleted if CASE_PAGE.match(p))[:200]}). Mehr als ein Viertel: "
            "fehlen in content/faelle/ Fälle? Prüfen Sie das und rufen Sie „invoke publish“ auf. "
            "Sollen sie wirklich weg: „invoke deploy --auch-loeschen“."
        )
    return None


# --- the hosts --------------------------------------------------------------

def parents(path):
    parts = path.split("/")[:-1]
    return ["/".join(parts[: index + 1]) for index in range(len(parts))]


def emptied_folders(plan, local):
    """Folders left empty by the deletions, deepest first."""
    kept = {folder for path in local for folder in parents(path)}
    emptied = {folder for path in plan.deleted for folder in parents(path)} - kept
    return sorted(emptied, key=lambda folder: folder.count("/"), reverse=True)


class FolderHost:
    def __init__(self, target):
        self.base = Path(target.path)
        if self.base.exists() and not self.base.is_dir():
            raise DeployError(f"{self.base} ist eine Datei, kein Ordner: wählen Sie einen Ordner als Ziel.")

    def read(self, name):
        try:
            return (self.base / name).read_bytes()
        except FileNotFoundError:
            return None

    def prepare(self):
        pass  # folders are made as files are written

    def write(self, name, data):
        self._replace(name, lambda part: part.write_bytes(data))

    def upload(self, name, source):
        self._replace(name, lambda part: shutil.copyfile(source, part))

    def _replace(self, name, fill):
        target = self.base / name
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(f".{target.name}.part")
        fill(part)
        os.replace(part, target)

    def delete(self, name):
        (self.base / name).unlink(missing_ok=True)

    def remove_folder(self, name):
        try:
            (self.base / name).rmdir()
        except OSError:
            pass  # something not of the site still lies there

    def close(self):
        pass


class UnknownHostKey(Exception):
    def __init__(self, host, key):
        super().__init__(host)
        self.host, self.key = host, key


def fingerprint(key):
    import base64

    return "SHA256:" + base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode().rstrip("=")


def known_hosts_file():
    return Path("~/.ssh/known_hosts").expanduser()


class SFTPHost:
    """SFTP through paramiko: the SSH key or agent first, a password if that is refused."""

    def __init__(self, target, password=None, ask_password=None, trust=None):
        """``trust(host, fingerprint)`` decides on a host key not yet known
        (deploy-einrichten asks the author); without it such a host is refused."""
        import paramiko

        self.target = target
        client = paramiko.SSHClient()
        known = known_hosts_file()
        if known.is_file():
            client.load_host_keys(str(known))

        class Refuse(paramiko.MissingHostKeyPolicy):
            def missing_host_key(self, client, hostname, key):
                if not (trust and trust(hostname, fingerprint(key))):
                    raise UnknownHostKey(hostname, key)
                client.get_host_keys().add(hostname, key.get_name(), key)
                known.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                client.save_host_keys(str(known))

        client.set_missing_host_key_policy(Refuse())
        try:
            try:
                self._connect(client, password)
            except paramiko.AuthenticationException:
                if password:
                    raise
                self._connect(client, find_password(target, None, ask_password))
            self.sftp = client.open_sftp()
        except UnknownHostKey as unknown:
            raise DeployError(
                f"Der Server {unknown.host} ist diesem Rechner noch unbekannt (Fingerabdruck {fingerprint(unknown.key)}). "
                "Richten Sie das Ziel mit „invoke deploy-einrichten“ ein: es zeigt den Fingerabdruck und fragt, "
                "ob er stimmt (Ihr Anbieter nennt ihn)."
            ) from None
        except paramiko.BadHostKeyException as bad:
            raise DeployError(
                f"Der Server {bad.hostname} meldet sich mit einem anderen Schlüssel als beim letzten Mal "
                f"({fingerprint(bad.key)}). Das kann ein Angriff sein: fragen Sie Ihren Anbieter, bevor Sie den "
                f"alten Eintrag aus {known_hosts_file()} löschen."
            ) from None
        except paramiko.AuthenticationException:
            raise DeployError(
                f"Die Anmeldung als {target.account} wurde abgelehnt: Passwort oder SSH-Schlüssel prüfen."
            ) from None
        except (OSError, paramiko.SSHException) as error:
            raise DeployError(f"Keine Verbindung zu {target.host}:{target.port} ({error}). Adresse und Port prüfen.") from None
        self.client = client
        self.folders = set()
        try:
            self.sftp.chdir(target.path)
            self.ready = True
        except OSError:
            self.ready = False  # made by prepare(), not by a dry run

    def _connect(self, client, password):
        client.connect(self.target.host, port=self.target.port, username=self.target.user, password=password,
                       timeout=30, banner_timeout=30, auth_timeout=30)

    def prepare(self):
        if self.ready:
            return
        path = self.target.path
        try:
            for folder in parents(path.rstrip("/") + "/x"):
                self._make(folder or "/")
            self.sftp.chdir(path)
        except OSError as error:
            raise DeployError(f"Den Ordner {path} auf {self.target.host} gibt es nicht, und er ließ sich nicht anlegen "
                              f"({error}).") from None
        self.ready = True

    def _make(self, folder):
        if folder in self.folders:
            return
        try:
            self.sftp.stat(folder)
        except OSError:
            self.sftp.mkdir(folder)
        self.folders.add(folder)

    def read(self, name):
        if not self.ready:
            return None
        try:
            with self.sftp.open(name, "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def write(self, name, data):
        self.sftp.putfo(io.BytesIO(data), name, confirm=False)

    def upload(self, name, source):
        for folder in parents(name):
            self._make(folder)
        self.sftp.put(str(source), name, confirm=False)

    def delete(self, name):
        try:
            self.sftp.remove(name)
        except FileNotFoundError:
            pass

    def remove_folder(self, name):
        try:
            self.sftp.rmdir(name)
        except OSError:
            pass

    def close(self):
        self.client.close()


class _FTP_TLS(ftplib.FTP_TLS):
    """Data connections resume the control connection's TLS session, which
    many shared hosts (vsftpd, ProFTPD) require and ftplib does not do."""

    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(conn, server_hostname=self.host, session=self.sock.session)
        return conn, size


class FTPHost:
    def __init__(self, target, password):
        self.target = target
        try:
            if target.kind == "ftps":
                self.ftp = _FTP_TLS(context=ssl.create_default_context(), timeout=60)
            else:
                self.ftp = ftplib.FTP(timeout=60)
            self.ftp.connect(target.host, target.port)
            self.ftp.login(target.user, password)
            if target.kind == "ftps":
                self.ftp.prot_p()
        except ssl.SSLCertVerificationError as error:
            raise DeployError(
                f"Das Zertifikat von {target.host} ist nicht gültig ({error.verify_message}). Prüfen Sie den Servernamen "
                "(so, wie ihn Ihr Anbieter für FTPS nennt)."
            ) from None
        except ftplib.error_perm as error:
            raise DeployError(f"Die Anmeldung als {target.account} wurde abgelehnt ({error}): Nutzername und Passwort prüfen.") from None
        except (OSError, ftplib.Error, EOFError) as error:
            raise DeployError(f"Keine Verbindung zu {target.host}:{target.port} ({error}). Adresse und Port prüfen.") from None
        self.folders = set()
        try:
            self.ftp.cwd(target.path)
            self.ready = True
        except ftplib.error_perm:
            self.ready = False  # made by prepare(), not by a dry run

    def prepare(self):
        if self.ready:
            return
        for folder in parents(self.target.path.rstrip("/") + "/x"):
            if folder:
                self._make(folder)
        try:
            self.ftp.cwd(self.target.path)
        except ftplib.error_perm as error:
            raise DeployError(f"Den Ordner {self.target.path} auf {self.target.host} gibt es nicht, und er ließ sich "
                              f"nicht anlegen ({error}).") from None
        self.folders = set()  # from here on, folders are relative to the site's
        self.ready = True

    def _make(self, folder):
        if folder in self.folders:
            return
        try:
            self.ftp.mkd(folder)
        except ftplib.error_perm:
            pass  # there already
        self.folders.add(folder)

    def read(self, name):
        if not self.ready:
            return None
        data = io.BytesIO()
        try:
            self.ftp.retrbinary(f"RETR {name}", data.write)
        except ftplib.error_perm:
            return None
        return data.getvalue()

    def write(self, name, data):
        self.ftp.storbinary(f"STOR {name}", io.BytesIO(data))

    def upload(self, name, source):
        for folder in parents(name):
            self._make(folder)
        with open(source, "rb") as handle:
            self.ftp.storbinary(f"STOR {name}", handle)

    def delete(self, name):
        try:
            self.ftp.delete(name)
        except ftplib.error_perm:
            pass

    def remove_folder(self, name):
        try:
            self.ftp.rmd(name)
        except ftplib.error_perm:
            pass

    def close(self):
        try:
            self.ftp.quit()
        except (OSError, ftplib.Error, EOFError):
            self.ftp.close()


def connect(target, password=None, ask_password=None):
    if target.kind == "folder":
        return FolderHost(target)
    if target.kind == "sftp":
        return SFTPHost(target, password, ask_password)
    return FTPHost(target, find_password(target, password, ask_password))


def read_manifest(host):
    data = host.read(MANIFEST_NAME)
    if data is None:
        return None
    try:
        files = json.loads(data.decode("utf-8"))["files"]
        if isinstance(files, dict):
            return files
    except (ValueError, KeyError, TypeError):
        pass
    return None


def manifest_bytes(files):
    return json.dumps({"version": 1, "files": files}, ensure_ascii=False, indent=0, sort_keys=True).encode("utf-8")


def transfer(host, plan, local, remote, output, say):
    if not (plan.added or plan.changed or plan.deleted):
        return
    host.prepare()
    # Files about to be written count as unknown until the final manifest.
    host.write(MANIFEST_NAME, manifest_bytes({**(remote or {}), **{p: None for p in plan.added + plan.changed}}))
    for path in plan.added + plan.changed:
        host.upload(path, Path(output) / path)
        say(f"hochgeladen: {path}")
    for path in plan.deleted:
        host.delete(path)
        say(f"gelöscht: {path}")
    for folder in emptied_folders(plan, local):
        host.remove_folder(folder)
    host.write(MANIFEST_NAME, manifest_bytes(local))


# --- rsync over SSH ---------------------------------------------------------

ITEM = re.compile(r"^(?:\*deleting +(?P<deleted>.+)|(?P<kind>[<>ch.])(?P<type>[fdLDS])(?P<flags>\S{9}) (?P<path>.+))$")


def rsync_plan(target, output, dry_run):
    command = ["rsync", *RSYNC_OPTIONS, *(["--dry-run"] if dry_run else []), f"{output}/", target.text]
    try:
        result = subprocess.run(command, capture_output=True, text=True, errors="replace")
    except FileNotFoundError:
        raise DeployError("„rsync“ ist nicht installiert. Installieren Sie es (unter Debian: sudo apt install rsync) "
                          "und rufen Sie „invoke deploy“ noch einmal auf.") from None
    if result.returncode != 0:
        detail = " ".join(result.stderr.split())[:400]
        raise DeployError(
            f"Das Hochladen mit rsync nach {target.text} ist fehlgeschlagen (Code {result.returncode}: {detail}). "
            "Server, Pfad und SSH-Schlüssel prüfen; dann „invoke deploy“ noch einmal."
        )
    plan = Plan()
    local = site_files(output)
    for line in result.stdout.splitlines():
        item = ITEM.match(line)
        if not item:
            continue
        if item["deleted"]:
            if not item["deleted"].endswith("/"):
                plan.deleted.append(item["deleted"])
        elif item["type"] == "f" and item["kind"] in "<>":
            (plan.added if item["flags"].startswith("+") else plan.changed).append(item["path"])
    plan.deleted.sort()
    plan.cases_after = sum(1 for path in local if CASE_PAGE.match(path))
    plan.cases_deleted = sum(1 for path in plan.deleted if CASE_PAGE.match(path))
    plan.cases_on_host = (plan.cases_after - sum(1 for path in plan.added if CASE_PAGE.match(path))) + plan.cases_deleted
    return plan


# --- the whole deploy -------------------------------------------------------

def refusals(target):
    """Everything that keeps this site from going online: (the demo's leftovers,
    other problems), each a German line; ``target`` may be None (none set up)."""
    demo = [leftover.line() for leftover in leftovers(ROOT, CONTENT)]
    example = target and example_target_problem(target.text)
    return demo, [example] if example else []


def resolve_target(target=None):
    text = target if target is not None else saved_target()
    if text is None:
        raise DeployError(
            "Kein Ziel eingerichtet: „invoke deploy-einrichten“ fragt nach Ihrem Server und merkt ihn sich "
            "(oder einmalig: invoke deploy --target sftp://nutzer@host/pfad)."
        )
    return parse_target(text)


def deploy(target=None, *, dry_run=False, allow_deletions=False, password=None, ask_password=None, say=print):
    """Copy the published site in output/ to ``target`` (a text as in
    ``parse_target``; None: the one saved in deploy.toml).

    Transfers only what changed and deletes on the host what the site no
    longer has. ``dry_run`` only tells what would change. ``allow_deletions``
    lets a deploy remove more than a quarter of the cases online, or all.
    ``password`` is used as given; without it: DEPLOY_PASSWORD, the keyring,
    then ``ask_password(prompt)`` (None: no prompt). ``say`` gets every line
    for the author, the last one the summary ("Online: …").
    Returns the Plan carried out (or shown); raises DeployError, with the
    reason and what to do in German, when nothing was deployed.
    """
    try:
        parsed, unset = resolve_target(target), None
    except DeployError as error:
        parsed, unset = None, str(error)
    demo, others = refusals(parsed)
    if unset and not demo:
        raise DeployError(unset)
    if demo or others:
        heading = ("Nicht hochgeladen: Die Website enthält noch Teile der Demo, die nicht online gehen dürfen."
                   if demo else "Nicht hochgeladen:")
        raise DeployError("\n".join([heading, *(f"  – {line}" for line in demo + others + ([unset] if unset else []))]))
    with build_lock(BUILD_LOCK):  # no build replaces output/ while it is copied
        differences = published_differences(OUTPUT, PUBLISHED_MARKER)
        if differences != []:
            raise DeployError(not_published_message(differences))
        if parsed.kind == "rsync":
            return _deploy_rsync(parsed, dry_run, allow_deletions, say)
        if parsed.kind == "ftp":
            say("Achtung: ftp:// überträgt Ihr Passwort und alle Dateien unverschlüsselt. "
                "Bietet Ihr Anbieter SFTP oder FTPS an, nehmen Sie das (invoke deploy-einrichten).")
        local = site_files(OUTPUT)
        host = connect(parsed, password, ask_password)
        try:
            try:
                remote = read_manifest(host)
            except (OSError, ftplib.Error, EOFError) as error:
                raise DeployError(
                    f"Auf {parsed.text} lässt sich nicht zugreifen ({getattr(error, 'strerror', None) or error}); "
                    "nichts wurde hochgeladen. Prüfen Sie das Ziel, z. B. mit „invoke deploy-einrichten“."
                ) from None
            plan = plan_changes(local, remote)
            if show_or_refuse(plan, parsed, dry_run, allow_deletions, say):
                return plan
            if plan.first:
                say("Auf dem Ziel liegt noch keine Liste einer früheren Veröffentlichung: alles wird hochgeladen, "
                    "gelöscht wird nichts.")
            try:
                transfer(host, plan, local, remote, OUTPUT, say)
            except (OSError, ftplib.Error, EOFError) as error:
                raise DeployError(
                    f"Das Hochladen nach {parsed.text} brach ab ({error}). Ein Teil ist schon oben; rufen Sie "
                    "„invoke deploy“ noch einmal auf, sobald die Ursache behoben ist: es setzt dort fort."
                ) from None
        finally:
            host.close()
    say(summary(plan))
    return plan


def show_or_refuse(plan, target, dry_run, allow_deletions, say):
    """What every kind of target does with its plan before anything moves:
    a dry run lists it; a mass deletion is refused (DeployError). True when
    nothing more is to be done (a dry run)."""
    if dry_run:
        for line in plan_lines(plan, target):
            say(line)
    problem = None if allow_deletions else deletion_problem(plan)
    if problem:
        raise DeployError(problem)
    return dry_run


def _deploy_rsync(target, dry_run, allow_deletions, say):
    plan = rsync_plan(target, OUTPUT, dry_run=True)
    if show_or_refuse(plan, target, dry_run, allow_deletions, say):
        return plan
    plan = rsync_plan(target, OUTPUT, dry_run=False)
    say(summary(plan))
    return plan


def not_published_message(differences, named=5):
    """Why deploy refuses output/: no publish to compare with (None), or the
    files that changed since it (the first few by name)."""
    if not differences:
        return (
            "output/ ist nicht die veröffentlichte Fassung (ein anderer Bau hat sie seit dem "
            "letzten gelungenen „invoke publish“ ersetzt, oder es gab keins). "
            "Führen Sie zuerst „invoke publish“ aus."
        )
    words = {"neu": "neu hinzugekommen", "fehlt": "fehlt", "geändert": "geändert"}
    listed = "; ".join(f"output/{path} ({words[how]})" for path, how in differences[:named])
    more = f" und {len(differences) - named} weitere" if len(differences) > named else ""
    return (
        f"output/ ist nicht mehr die veröffentlichte Fassung, seit dem letzten „invoke publish“ "
        f"hat sich etwas geändert: {listed}{more}. Nichts wurde hochgeladen. "
        "Führen Sie „invoke publish“ aus und dann wieder „invoke deploy“."
    )
