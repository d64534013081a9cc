"""The one ordered list of checks of the author's texts.

Every check is written once, in the plugin it belongs to, and registered
here in that plugin's ``register()`` with the stage of the build it
needs (``register_check``). A build runs each stage's checks when
Pelican reaches that point, in the order of ``CHECKS``; ``invoke check``
(check_run.check_site) runs the very same generators and signals, so it
reports the same problems from the same code, without writing anything.

What a check leaves out of the site (a case with a duplicate number, a
photo that cannot be shown) the later checks do not see. A check returns
its problems; the build collects them (``report_problems``, the one way
to report one) in ``context["build_problems"]`` — the preview's banner
shows them — and logs them all at once when the last stage is done, so a
strict build (publish, CI), which stops at the first message, still
names every problem.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from pelican import signals

from .checks import report

logger = logging.getLogger(__name__)

# True for a run that only checks (``invoke check``): it reads and checks
# as a build does but makes and writes nothing (no photo versions) and
# logs no report: its caller lists the problems.
CHECKS_ONLY = "CHECKS_ONLY"


class Stage(IntEnum):
    """The points of a build where checks run, in the order Pelican
    reaches them (each is one of its signals)."""

    CASE_FILES = 1  # article_generator_init: the case files, before Pelican reads any
    PAGE_FILES = 2  # page_generator_init: the page files, before Pelican reads any
    CASES_READ = 3  # article_generator_pretaxonomy: every case read, drafts too
    CASES_ON_SITE = 4  # the same signal, once the cases still to come are held back (cases.schedule)
    CASE_TEXTS = 5  # article_generator_finalized: the cases the site shows, filed
    PAGES = 6  # page_generator_finalized: every page read; the last stage


@dataclass(frozen=True)
class Check:
    stage: Stage
    # run(Pelican's generator at that stage) -> [Problem]; it may take what
    # it refuses out of the site (cases.plugin.leave_out).
    run: Callable


CHECKS = []


def register_check(stage, run):
    """Add ``run`` to the list at ``stage``; within a stage, checks run in
    the order they were registered (the order of PLUGINS). Pelican calls
    a plugin's register() for each Pelican it makes: once is enough."""
    check = Check(Stage(stage), run)
    if check not in CHECKS:
        CHECKS.append(check)
        CHECKS.sort(key=lambda c: c.stage)  # stable: registration order within a stage


def report_problems(generator, problems):
    """Add ``problems`` to the build's list (the preview's banner shows
    it); logged with all others when the last stage is done."""
    generator.context.setdefault("build_problems", []).extend(problems)


def run_stage(stage, generator):
    if stage == Stage.CASE_FILES:
        _explained.context = generator.context
        generator.context.setdefault("build_problems", [])
    for check in CHECKS:
        if check.stage == stage:
            report_problems(generator, check.run(generator) or [])
    if stage == max(Stage):
        problems = generator.context.get("build_problems", [])
        if problems and not generator.settings.get(CHECKS_ONLY, False):
            logger.error("%s", report(problems, "den Texten der Website"))


def _at(stage):
    def run(generator):
        run_stage(stage, generator)
    run.__name__ = f"run_{stage.name.lower()}_checks"
    return run


# One receiver per stage, made once: Pelican connects a receiver once.
STAGE_RUNNERS = {stage: _at(stage) for stage in Stage}


def connect_stages(before_schedule=None):
    """Connect the stages to Pelican's signals (the cases plugin does, in
    its register()); ``before_schedule`` is what holds back the cases still
    to come, run between CASES_READ and CASES_ON_SITE."""
    signals.article_generator_init.connect(STAGE_RUNNERS[Stage.CASE_FILES])
    signals.page_generator_init.connect(STAGE_RUNNERS[Stage.PAGE_FILES])
    signals.article_generator_pretaxonomy.connect(STAGE_RUNNERS[Stage.CASES_READ])
    if before_schedule:
        signals.article_generator_pretaxonomy.connect(before_schedule)
    signals.article_generator_pretaxonomy.connect(STAGE_RUNNERS[Stage.CASES_ON_SITE])
    signals.article_generator_finalized.connect(STAGE_RUNNERS[Stage.CASE_TEXTS])
    signals.page_generator_finalized.connect(STAGE_RUNNERS[Stage.PAGES])
    for name in ("pelican.generators", "pelican.contents"):
        pelican_logger = logging.getLogger(name)
        if _explained not in pelican_logger.filters:
            pelican_logger.addFilter(_explained)


class _ExplainedByAProblem(logging.Filter):
    """Pelican says in English that it could not process a source, or
    skips one without a title or date. Every such source is named in the
    problem list, in German (by a check of its file, or by
    cases.plugin.unread_sources), and a strict build must get as far as
    naming all problems: Pelican's line goes, unless DEBUG asks for
    Pelican's own account.

    Pelican's message texts are matched here; there is no public way to
    learn which source a message is about (pinned in tests/test_check.py)."""

    context = None  # of the build running now: one build at a time per process

    def filter(self, record):
        if self.context is None or self.context.get("DEBUG"):
            return True
        return record.msg not in ("Could not process %s", "Skipping %s: could not find information about '%s'")


_explained = _ExplainedByAProblem()
