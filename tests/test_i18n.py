"""English and Simplified Chinese ship together (issue 22): each app's templates hold no text outside the
translation tags; no message a user sees is a bare English literal in Python (errors, flash messages, CLI
output); every msgid the code and templates use is in the catalogue of the app that holds the file
(src/conduct/locale for code outside the apps), translated; each catalogue is complete, has no fuzzy entry
and is compiled.

An app still being translated is listed in PENDING; `I18N_APPS=a,b pytest tests/test_i18n.py` checks just
those apps (for whoever is translating them)."""

from __future__ import annotations

import ast
import gettext
import io
import os
import re
import tokenize
from functools import cache
from pathlib import Path

import polib
import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "conduct"
APPS = SRC / "apps"
SHARED_CATALOGUE = SRC / "locale"  # LOCALE_PATHS: apikit.py, errors.py, csvsafe.py, cli.py
ALL_APPS = sorted(p.name for p in APPS.iterdir() if p.is_dir() and any(p.rglob("*.html")))
PENDING: set[str] = set()
CHECKED = [a for a in os.environ.get("I18N_APPS", "").split(",") if a] or [
    a for a in ALL_APPS if a not in PENDING
]

# Words that read the same in both languages: names, acronyms, standard and format names.
SAME_IN_BOTH = {
    "Conduct",
    "API",
    "CSV",
    "JSON",
    "PDF",
    "SVG",
    "HTML",
    "SBOM",
    "SBOMs",
    "VEX",
    "CVE",
    "CVEs",
    "KEV",
    "CVSS",
    "CSAF",
    "ETSI",
    "EN",
    "PSTI",
    "UK",
    "ISO",
    "SA8000",
    "UNGP",
    "UNGPs",
    "OSCAL",
    "CycloneDX",
    "SPDX",
    "OFAC",
    "SDN",
    "UN",
    "EU",
    "US",
    "BIS",
    "DPL",
    "CSL",
    "RFC",
    "ID",
    "URL",
    "URN",
    "SHA",
    "TOTP",
    "OK",
    "LTIFR",
    "TRIR",
    "GRI",
    "HS",
    "SKU",
    "PEP",
    "FtM",
    "SA",
    "VR",
}
_TAG_BLOCKS = re.compile(
    r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|"
    r"<script\b.*?</script>|<style\b.*?</style>|<svg\b.*?</svg>",
    re.S,
)
_TAGS = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
_ATTRS = re.compile(r"""\b(?:aria-label|title|placeholder|alt)\s*=\s*"([^"]*)\"""")
_HTML = re.compile(r"<[^>]*>", re.S)
_ENTITY = re.compile(r"&[#a-zA-Z0-9]+;")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def untranslated_text(source: str) -> list[str]:
    """Runs of English words in a template outside {% translate %} / {% blocktranslate %} and outside
    template variables, in text or in the attributes people read (aria-label, title, placeholder, alt)."""
    source = _TAG_BLOCKS.sub(" ", source)
    found = []
    for value in _ATTRS.findall(source):
        found.append(_TAGS.sub(" ", value))
    text = _HTML.sub(" ", source)
    found.append(_TAGS.sub(" ", text))
    problems = []
    for chunk in found:
        for line in _ENTITY.sub(" ", chunk).splitlines():
            words = [w for w in _WORD.findall(line) if w not in SAME_IN_BOTH]
            if words:
                problems.append(" ".join(line.split()))
    return problems


def _templates(app: str) -> list[Path]:
    return sorted((APPS / app).rglob("*.html"))


@pytest.mark.parametrize("app", CHECKED)
def test_templates_hold_no_text_outside_the_translation_tags(app: str) -> None:
    offenders = {}
    for path in _templates(app):
        problems = untranslated_text(path.read_text(encoding="utf-8"))
        if problems:
            offenders[str(path.relative_to(APPS))] = problems[:5]
    assert offenders == {}


@pytest.mark.parametrize("app", CHECKED)
def test_the_chinese_catalogue_is_complete_and_compiled(app: str) -> None:
    folder = APPS / app / "locale" / "zh_Hans" / "LC_MESSAGES"
    catalogue = polib.pofile(str(folder / "django.po"))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    with (folder / "django.mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert mo._catalog.get(key) == entry.msgstr, f"django.mo is older than django.po: {entry.msgid!r}"  # type: ignore[attr-defined]


def test_the_checker_finds_bare_text_and_passes_translated_text() -> None:
    bare = '<p>Hello there</p><a aria-label="Close it">x</a>'
    assert untranslated_text(bare) == ["Close it", "Hello there x"]
    done = (
        '{% load i18n %}<p>{% translate "Hello there" %}</p>'
        "{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}<p>{{ value }} CSV · API</p>"
    )
    assert untranslated_text(done) == []


# --- No bare English in the messages Python code shows (issue 22) -------------------------------------------

# Calls whose first argument is a message a user reads: service errors (the API and the pages show them),
# Django's and ninja's errors, CommandError.
_ERROR_TYPES = frozenset(
    {
        "Invalid",
        "Forbidden",
        "NotFound",
        "Conflict",
        "ServiceError",
        "CommandError",
        "HttpError",
        "ValidationError",
        "ConfigError",
        "RemoteError",
        "_Invalid",
    }
)
_FLASH = frozenset({"success", "error", "warning", "info", "debug"})
# Conduct's own carriers of a message, and the position of the message: the CLI's usage errors, a form's
# add_error, the supplier import's problems, the date reader's DateProblem, list uploads' errors.
_MESSAGE_HELPERS = {
    "usage": 0,
    "fail": 0,
    "add_error": 1,
    "problem": 3,
    "DateProblem": 0,
    "TooBig": 0,
    "Unreadable": 1,
    "UploadTooLarge": 0,
    "_bad_zip": 0,
    "ArgumentTypeError": 0,
    "progress_bar": 0,  # a CLI progress bar's label, and a stage a service reports to it
    "progress": 0,
    "stage": 0,
}
# Code that runs before Django's settings (and so any catalogue) can load: (file, function).
_BEFORE_DJANGO = {("cli.py", "main"), ("cli.py", "_main"), ("cli.py", "setup")}


def _is_bare(node: ast.AST) -> bool:
    """A str literal or f-string whose text holds a word (not only punctuation, format or same-in-both
    words such as CSV or API)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = " ".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    else:
        return False
    return any(len(w) > 1 and w not in SAME_IN_BOTH for w in _WORD.findall(text))


def _bare_parts(node: ast.AST) -> list[ast.AST]:
    """The bare literals a message expression is built from ("a" + x, "a" if c else "b", "a {}".format())."""
    if _is_bare(node):
        return [node]
    if isinstance(node, ast.BinOp):
        return _bare_parts(node.left) + _bare_parts(node.right)
    if isinstance(node, ast.IfExp):
        return _bare_parts(node.body) + _bare_parts(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _bare_parts(node.func.value)
    return []


def _message_arguments(node: ast.AST) -> list[ast.AST]:
    """The expressions `node` shows a user as a message, if it is a call or an assignment that does."""
    if isinstance(node, ast.Assign):  # errors["field"] = "..." (the per-field messages of Invalid)
        target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == "help":  # a command's description (--help)
            return [node.value]
        if (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id == "errors"
        ):
            return [node.value]
        return []
    if isinstance(node, ast.Dict):  # {"error": {"code": ..., "message": "..."}} built by hand
        return [
            v
            for k, v in zip(node.keys, node.values, strict=True)
            if isinstance(k, ast.Constant) and k.value == "message"
        ]
    if not isinstance(node, ast.Call):
        return []
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    keyword = {kw.arg: kw.value for kw in node.keywords}
    found: list[ast.AST] = []
    if name in _ERROR_TYPES:
        found += node.args[:1]
        fields = keyword.get("fields")
        if isinstance(fields, ast.Dict):
            found += fields.values
    elif name in _MESSAGE_HELPERS:
        found += node.args[_MESSAGE_HELPERS[name] : _MESSAGE_HELPERS[name] + 1]
    elif name == "append" and isinstance(func, ast.Attribute):  # problems.append("..."), self.problems...
        owner = func.value
        if (isinstance(owner, ast.Name) and owner.id == "problems") or (
            isinstance(owner, ast.Attribute) and owner.attr == "problems"
        ):
            found += node.args[:1]
    elif name == "raise_if":
        found += node.args[1:2]
        if node.args and isinstance(node.args[0], ast.Dict):
            found += node.args[0].values
    elif name == "error_body":
        found += node.args[1:2]
        if len(node.args) > 2 and isinstance(node.args[2], ast.Dict):
            found += node.args[2].values
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "messages":
        if name in _FLASH:
            found += node.args[1:2]
    elif name in {"add_argument", "ArgumentParser"}:  # --help: an argument's help, a parser's description
        found += [keyword[k] for k in ("help", "description") if k in keyword]
    elif name == "write" and isinstance(func, ast.Attribute):  # self.stdout.write, sys.stderr.write
        owner = func.value
        if isinstance(owner, ast.Attribute) and owner.attr in {"stdout", "stderr"}:
            found += node.args[:1]
    if "message" in keyword:
        found.append(keyword["message"])
    return found


def bare_messages(source: str, filename: str = "") -> list[tuple[int, str]]:
    """(line, text) of every user-facing message in `source` that is a bare str literal or f-string."""
    tree = ast.parse(source)
    exempt: list[tuple[int, int]] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and (filename, node.name) in _BEFORE_DJANGO
        ):
            exempt.append((node.lineno, node.end_lineno or node.lineno))
    found = []
    for node in ast.walk(tree):
        for argument in _message_arguments(node):
            for part in _bare_parts(argument):
                if not any(start <= part.lineno <= end for start, end in exempt):
                    found.append((part.lineno, ast.get_source_segment(source, part) or ""))
    return sorted(found)


def _python_files() -> list[Path]:
    files = [p for p in APPS.rglob("*.py") if "migrations" not in p.parts]
    # config/env.py and settings.py run before Django: they translate with conduct.pipeline._i18n, as the
    # pipeline's --help does; urls.py, api.py answer requests.
    config = [SRC / "config" / name for name in ("urls.py", "api.py", "env.py", "settings.py")]
    pipeline = sorted((SRC / "pipeline").glob("*.py"))
    return sorted([*files, SRC / "cli.py", *config, *pipeline])


def test_no_user_facing_message_is_bare_english() -> None:
    offenders = {}
    for path in _python_files():
        found = bare_messages(path.read_text(encoding="utf-8"), path.name)
        if found:
            offenders[str(path.relative_to(SRC))] = found[:5]
    assert offenders == {}, "wrap these in _() (named %(placeholders)s for f-strings)"


def test_the_message_checker_finds_bare_literals_and_passes_translated_ones() -> None:
    bare = """
def f(x):
    raise Invalid("Name is required.", fields={"name": f"At most {x} characters."})
    raise_if(errors, "Bad " + x)
    errors["name"] = "Required."
    messages.success(request, f"Saved {x}.")
    self.stdout.write("Done" if x else "Nothing to do")
    raise CommandError(message=f"{x}: no such file")
    return JsonResponse({"error": {"code": "not_found", "message": f"Nothing at {x}."}})
    self.problems.append(f"{x}: expected a list")
    form.add_error("username", "No such user.")
    parser.add_argument("--json", action="store_true", help="Print JSON")
    raise ConfigError(f"{name}: expected a whole number")
class Command(BaseCommand):
    help = "Load the lists."
"""
    assert [text for _, text in bare_messages(bare)] == [
        '"Name is required."',
        'f"At most {x} characters."',
        '"Bad "',
        '"Required."',
        'f"Saved {x}."',
        '"Done"',
        '"Nothing to do"',
        'f"{x}: no such file"',
        'f"Nothing at {x}."',
        'f"{x}: expected a list"',
        '"No such user."',
        '"Print JSON"',
        'f"{name}: expected a whole number"',
        '"Load the lists."',
    ]
    done = """
def f(x):
    raise Invalid(_("Name is required."), fields={"name": _("At most %(n)s.") % {"n": x}}, code="too_long")
    errors["name"] = gettext("Required.")
    self.stdout.write(f"{x}\\t{x}: CSV, API")
    log.info("not shown to a user: %s", x)
    ledger_append(action="supplier.created", payload={"note": "a ledger payload"})
    parser.add_argument("--json", action="store_true", help=_("Print JSON"))
class Command(ConductCommand):
    help = gettext_noop("Load the lists.")
"""
    assert bare_messages(done) == []


# --- Every msgid the code and templates use is in its catalogue, translated ---------------------------------

_GETTEXT_FUNCTIONS = {
    "_": (0,),
    "gettext": (0,),
    "gettext_lazy": (0,),
    "gettext_noop": (0,),
    "ngettext": (0, 1),
    "ngettext_lazy": (0, 1),
    "pgettext": (1,),
    "pgettext_lazy": (1,),
    "npgettext": (1, 2),
    "npgettext_lazy": (1, 2),
}


def _python_msgids(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        for index in _GETTEXT_FUNCTIONS.get(node.func.id, ()):
            if index < len(node.args):
                arg = node.args[index]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
    return found


def _template_msgids(source: str) -> set[str]:
    """Django's own reading of {% translate %} / {% blocktranslate %} (what makemessages hands xgettext)."""
    from django.utils.translation.template import templatize

    tokens = list(tokenize.generate_tokens(io.StringIO(templatize(source)).readline))
    found = set()
    for i, token in enumerate(tokens):
        if token.type == tokenize.NAME and token.string in _GETTEXT_FUNCTIONS and tokens[i + 1].string == "(":
            strings, j = [], i + 2
            while (
                j < len(tokens)
                and tokens[j].type in (tokenize.STRING, tokenize.OP)
                and tokens[j].string != ")"
            ):
                if tokens[j].type == tokenize.STRING:
                    strings.append(ast.literal_eval(tokens[j].string))
                j += 1
            for index in _GETTEXT_FUNCTIONS[token.string]:
                if index < len(strings):
                    found.add(strings[index])
    return found


def _home(path: Path) -> str:
    """The catalogue a file's messages live in: its app's, or the shared one."""
    rel = path.relative_to(SRC)
    if rel.parts[0] == "apps" and len(rel.parts) > 2:
        return rel.parts[1]
    return ""


@cache
def _used_msgids() -> dict[str, dict[str, str]]:
    """{catalogue: {msgid: the first file using it}} for every file that uses gettext."""
    used: dict[str, dict[str, str]] = {}
    skip = {"migrations", "tests"}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if skip & set(rel.parts) or rel.parts[0] == "core":
            continue
        for msgid in _python_msgids(path.read_text(encoding="utf-8")):
            used.setdefault(_home(path), {}).setdefault(msgid, str(rel))
    for path in sorted([*APPS.rglob("templates/**/*.html"), *APPS.rglob("templates/**/*.txt")]):
        for msgid in _template_msgids(path.read_text(encoding="utf-8")):
            used.setdefault(_home(path), {}).setdefault(msgid, str(path.relative_to(SRC)))
    return used


def _catalogue_folder(home: str) -> Path:
    return (APPS / home if home else SRC) / "locale" / "zh_Hans" / "LC_MESSAGES"


@pytest.mark.parametrize("home", ["", *CHECKED])
def test_every_msgid_in_use_is_in_its_catalogue_and_translated(home: str) -> None:
    catalogue = polib.pofile(str(_catalogue_folder(home) / "django.po"))
    translated = {m for e in catalogue.translated_entries() for m in (e.msgid, e.msgid_plural) if m}
    missing = {m: where for m, where in _used_msgids().get(home, {}).items() if m not in translated}
    assert missing == {}, "run `django-admin makemessages -l zh_Hans` in the app folder and translate"


def test_the_shared_catalogue_is_complete_and_compiled() -> None:
    folder = _catalogue_folder("")
    catalogue = polib.pofile(str(folder / "django.po"))
    assert catalogue.untranslated_entries() == [] and catalogue.fuzzy_entries() == []
    with (folder / "django.mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:  # argparse's ngettext messages: one form in Chinese
            assert mo._catalog.get((entry.msgid, 0)) == entry.msgstr_plural[0]  # type: ignore[attr-defined]
            continue
        assert mo._catalog.get(entry.msgid) == entry.msgstr  # type: ignore[attr-defined]


def test_the_msgid_readers_see_python_and_template_messages() -> None:
    assert _python_msgids(
        '_("a"); gettext_lazy("b"); ngettext("c", "cs", n); pgettext("ctx", "d"); f("e")'
    ) == {"a", "b", "c", "cs", "d"}
    template = (
        '{% load i18n %}{% translate "Hello" %}<a title="{% translate \'It is\' %}">'
        "{% blocktranslate with n=x %}Hi {{ n }}{% endblocktranslate %}"
        '{% translate "Open" context "verb" %}'
    )
    assert _template_msgids(template) == {"Hello", "It is", "Hi %(n)s", "Open"}


def _shadowing(source: str) -> list[str]:
    """Functions that call `_(...)` and also bind `_` themselves (`x, _ = pair`, `for _ in ...`): there `_`
    is a local variable and the call fails at run time. Lambdas and comprehensions have their own scope."""
    found = []
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        binds = calls = False
        stack: list[ast.AST] = list(ast.iter_child_nodes(fn))
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
                continue
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                binds = True
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
                calls = True
            stack.extend(ast.iter_child_nodes(node))
        if binds and calls:
            found.append(f"{fn.name}:{fn.lineno}")
    return found


def test_no_function_shadows_the_translation_function() -> None:
    offenders = {}
    for path in sorted((SRC).rglob("*.py")):
        hits = _shadowing(path.read_text(encoding="utf-8"))
        if hits:
            offenders[str(path.relative_to(SRC))] = hits
    assert offenders == {}
    assert _shadowing("def f(p):\n    a, _ = p\n    return _('x')\n") == ["f:1"]
    assert _shadowing("def f(p):\n    g = lambda _: None\n    return _('x')\n") == []
