"""Checking the texts and building the published site: what ``invoke
check`` and ``invoke publish`` do, and ``go_live`` after them."""

from sitetasks.output import build_lock, clear
from sitetasks.site import BUILD_LOCK, PELICANCONF, PUBLISHCONF, ROOT

PUBLISH_FAILED = "Veröffentlichung abgebrochen: der Bau meldet die Fehler oben. output/ ist unverändert."


def site_problems():
    """Every problem in the site's texts, as ``invoke check`` lists them."""
    from cases.check_run import check_site

    return check_site(PELICANCONF)


def publish_site(keep_lines=0, in_process=False):
    """Build the published site strictly; replace output/ only if it all
    succeeds. Returns (success, the build's last ``keep_lines`` lines).
    ``in_process``: Pelican runs in this process (see build_output)."""
    from sitetasks.site import build_output

    with build_lock(BUILD_LOCK) as lock:
        clear(ROOT / ".publish-old")  # left by earlier versions of invoke publish
        return build_output(PUBLISHCONF, lock=lock, strict=True, publishing=True, keep_lines=keep_lines,
                            in_process=in_process)
