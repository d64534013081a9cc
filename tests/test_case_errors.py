"""An author's mistake in one case is explained, and does not take the others down."""

import re

import pytest

from sitebuild import build, copy_project, one_line, published_cases


def break_case(project, number, pattern, replacement):
    case = next(c for c in published_cases(project / "content") if c.number == number)
    text = re.sub(pattern, replacement, case.path.read_text(encoding="utf-8"), count=1, flags=re.M)
    case.path.write_text(text, encoding="utf-8")
    return case.path.relative_to(project).as_posix()


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "site")


@pytest.mark.parametrize(
    "replacement, message",
    [
        ("", "Die Fallnummer fehlt."),
        ("Fall: drei", "Die Fallnummer „drei“ ist keine positive ganze Zahl."),
        ("Fall: 0", "Die Fallnummer „0“ ist keine positive ganze Zahl."),
    ],
)
def test_a_bad_case_number_is_reported_and_the_rest_is_built(project, tmp_path, replacement, message):
    numbers = sorted(c.number for c in published_cases(project / "content"))
    victim = numbers[1]
    path = break_case(project, victim, rf"^Fall: {victim}$\n?", replacement + ("\n" if replacement else ""))

    lenient = build(tmp_path / "lenient", project=project)
    log = one_line(lenient.stdout + lenient.stderr)
    assert lenient.returncode == 0, log
    assert re.search(rf"{re.escape(path)}(:2)?: {re.escape(message)}", log), log
    assert "Fall: 34" in log  # says how to fix it
    assert log.count(message) == 1 and "Could not process" not in log, "one message, not Pelican's as well"
    for number in numbers:
        assert (tmp_path / "lenient" / "fall" / str(number) / "index.html").exists() == (number != victim)

    strict = build(tmp_path / "strict", project=project, strict=True)
    assert strict.returncode != 0
    assert message in one_line(strict.stdout + strict.stderr)


def test_two_cases_with_one_number_name_both_files(project, tmp_path):
    cases = sorted(published_cases(project / "content"), key=lambda c: c.path.name)
    first, second = cases[0], cases[-1]
    path = break_case(project, second.number, rf"^Fall: {second.number}$", f"Fall: {first.number}")

    result = build(tmp_path / "out", project=project)
    log = one_line(result.stdout + result.stderr)
    assert result.returncode == 0, log
    first_path = first.path.relative_to(project).as_posix()
    assert f"{path}:2: Die Fallnummer {first.number} ist schon an {first_path} vergeben" in log
    # The first file keeps the number; the other is left out rather than overwriting it.
    page = (tmp_path / "out" / "fall" / str(first.number) / "index.html").read_text(encoding="utf-8")
    assert first.metadata["title"].split()[-1] in page
    assert build(tmp_path / "strict", project=project, strict=True).returncode != 0
