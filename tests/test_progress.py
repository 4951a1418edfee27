"""conduct.progress: a bar on a terminal; nothing in CI, in a pipe or with --json."""

from __future__ import annotations

import io

import pytest

from conduct.progress import QUIET, bars_wanted, progress_bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _not_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")


def test_a_terminal_gets_a_bar_that_counts_and_names_its_stage() -> None:
    out = Terminal()
    with progress_bar("Loading", total=3, stream=out) as bar:
        assert bar is not QUIET
        bar.stage("reading")
        bar.advance()
        bar.set_total(4)
    drawn = out.getvalue()
    assert "Loading: reading" in drawn and "1/4" in drawn


@pytest.mark.parametrize("ci", ["true", "1", "yes"])
def test_ci_is_quiet(monkeypatch: pytest.MonkeyPatch, ci: str) -> None:
    monkeypatch.setenv("CI", ci)
    out = Terminal()
    with progress_bar("Loading", total=3, stream=out) as bar:
        assert bar is QUIET
        bar.advance()
        bar.stage("x")
    assert out.getvalue() == ""


def test_ci_false_still_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "false")
    assert bars_wanted(stream=Terminal())


def test_a_pipe_json_and_a_dumb_terminal_are_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not bars_wanted(stream=io.StringIO())
    assert not bars_wanted(stream=Terminal(), quiet=True)
    with progress_bar("Loading", stream=Terminal(), quiet=True) as bar:
        assert bar is QUIET
    monkeypatch.setenv("TERM", "dumb")
    assert not bars_wanted(stream=Terminal())


def test_commands_draw_nothing_when_not_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    with progress_bar("Loading", total=2) as bar:  # pytest's captured stderr is not a terminal
        bar.advance(2)
    assert capsys.readouterr().err == ""
