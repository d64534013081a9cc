"""``invoke deploy-einrichten``: ask where the site goes, test the
connection and save the target in deploy.toml (never a password)."""

import subprocess
from urllib.parse import quote

from sitetasks.demo import example_target_problem
from sitetasks.deploy import (
    CASE_PAGE,
    CONFIG,
    DEFAULT_PORTS,
    DeployError,
    FolderHost,
    FTPHost,
    SFTPHost,
    find_password,
    parse_target,
    read_manifest,
    save_target,
    saved_target,
    store_in_keyring,
)

KINDS = [
    ("sftp", "SFTP – verschlüsselt, bieten die meisten Anbieter an"),
    ("ftps", "FTPS – FTP mit Verschlüsselung"),
    ("ftp", "FTP – unverschlüsselt, nur wenn es nichts anderes gibt"),
    ("rsync", "rsync über SSH – ein eigener Server mit SSH-Zugang"),
    ("folder", "ein Ordner auf diesem Rechner"),
]


def yes(answer):
    return answer.strip().lower() in ("j", "ja", "y", "yes")


def compose(kind, user, host, port, path):
    """The target text for the answers given."""
    if kind == "rsync":
        return f"{user}@{host}:{path}"
    shown_port = f":{port}" if port != DEFAULT_PORTS[kind] else ""
    return f"{kind}://{quote(user, safe='')}@{host}{shown_port}/{quote(path.lstrip('/'), safe='/')}"


def ask_target(ask, say):
    for number, (_kind, label) in enumerate(KINDS, start=1):
        say(f"  {number}. {label}")
    choice = ask("Wie laden Sie hoch? Nummer [1]: ").strip() or "1"
    if choice not in {str(number) for number in range(1, len(KINDS) + 1)}:
        raise DeployError(f"„{choice}“ ist keine der Nummern 1 bis {len(KINDS)}. Rufen Sie „invoke deploy-einrichten“ noch einmal auf.")
    kind = KINDS[int(choice) - 1][0]
    if kind == "folder":
        return ask("Ordner (z. B. /media/stick/website): ").strip()
    host = ask("Server, wie ihn Ihr Anbieter nennt (z. B. ssh.ihr-anbieter.de): ").strip()
    user = ask("Nutzername: ").strip()
    port = DEFAULT_PORTS.get(kind, 22)
    if kind != "rsync":
        given = ask(f"Port [{port}]: ").strip()
        if given:
            if not given.isdigit() or not 0 < int(given) < 65536:
                raise DeployError(f"Der Port „{given}“ ist keine Zahl von 1 bis 65535.")
            port = int(given)
    path = ask("Ordner der Website auf dem Server (z. B. /htdocs): ").strip() or "/"
    return compose(kind, user, host, port, path)


def test_connection(target, ask, ask_secret, say):
    """Connect once as deploy will; return the password typed (to offer the keyring) or None."""
    typed = []

    def ask_and_keep(prompt):
        typed.append(ask_secret(prompt))
        return typed[-1]

    if target.kind == "rsync":
        result = subprocess.run(["rsync", "--list-only", "--dirs", target.text.rstrip("/") + "/"],
                                capture_output=True, text=True, errors="replace")
        if result.returncode != 0:
            raise DeployError(f"rsync erreicht {target.text} nicht: {' '.join(result.stderr.split())[:300]}")
        say("Verbindung steht (rsync über SSH; angemeldet wird mit Ihrem SSH-Schlüssel).")
        return None
    if target.kind == "folder":
        host = FolderHost(target)
    elif target.kind == "sftp":
        def trust(hostname, fingerprint):
            say(f"Der Server {hostname} ist diesem Rechner neu. Sein Fingerabdruck: {fingerprint}")
            say("Vergleichen Sie ihn mit dem, den Ihr Anbieter nennt (Kundenmenü oder Hilfeseiten).")
            return yes(ask("Stimmt er? [j/N]: "))

        host = SFTPHost(target, ask_password=ask_and_keep, trust=trust)
    else:
        if target.kind == "ftp":
            say("Achtung: ftp:// überträgt Passwort und Dateien unverschlüsselt.")
        host = FTPHost(target, find_password(target, None, ask_and_keep))
    try:
        files = read_manifest(host)
    finally:
        host.close()
    if files is None:
        say("Verbindung steht. Dort liegt noch keine Veröffentlichung dieser Website.")
    else:
        cases = sum(1 for path in files if CASE_PAGE.match(path))
        say(f"Verbindung steht. Dort liegt die letzte Veröffentlichung: {len(files)} Dateien, {cases} Fälle.")
    return typed[-1] if typed else None


def set_up(ask=input, ask_secret=input, say=print, config=CONFIG):
    say("Hier richten Sie ein, wohin „invoke deploy“ die Website lädt. Die Angaben stehen bei Ihrem "
        "Anbieter (Zugangsdaten für SFTP oder FTP). Das Passwort wird nie in eine Datei geschrieben.")
    try:
        current = saved_target(config)
    except DeployError:
        current = None
    if current and not example_target_problem(current):
        say(f"Eingerichtet ist schon: {current}")
        if not yes(ask("Durch ein neues Ziel ersetzen? [j/N]: ")):
            say("Nichts geändert.")
            return current
    text = ask_target(ask, say)
    target = parse_target(text)
    problem = example_target_problem(target.text)
    if problem:
        raise DeployError(problem)
    try:
        password = test_connection(target, ask, ask_secret, say)
    except DeployError as error:
        say(f"Die Verbindung ließ sich nicht prüfen: {error}")
        if not yes(ask("Das Ziel trotzdem speichern? [j/N]: ")):
            raise DeployError("Nichts gespeichert. Rufen Sie „invoke deploy-einrichten“ noch einmal auf.") from None
        password = None
    if password and yes(ask("Das Passwort im Schlüsselbund des Systems speichern, damit deploy nicht jedes Mal fragt? [j/N]: ")):
        if store_in_keyring(target, password):
            say("Das Passwort liegt im Schlüsselbund des Systems.")
        else:
            say("Auf diesem Rechner gibt es keinen Schlüsselbund: deploy fragt jedes Mal nach dem Passwort "
                "(oder nimmt es aus der Umgebungsvariable DEPLOY_PASSWORD).")
    save_target(target.text, config)
    say(f"Gespeichert in {config.name}: {target.text}")
    say("Erst ansehen, was hochginge: invoke deploy --dry-run – dann hochladen: invoke deploy")
    return target.text
