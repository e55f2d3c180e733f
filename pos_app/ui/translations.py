"""Translations: find the texts, keep the ``.ts`` sources current, build and load ``.qm``.

Texts are found in the Python source itself: every ``tr("Context", "text")``,
``msg("Context", "text")`` and ``Message("Context", "text")`` call whose
arguments are literal strings (or a module-level string constant for the
context).  ``python -m pos_app.ui.translations`` updates
``resources/translations/pos_app_ru.ts`` keeping what is already translated; the
``.qm`` files are built from the ``.ts`` files by Qt's ``lrelease`` (bundled with
PySide6) into a cache, or shipped prebuilt in a frozen build.
"""

from __future__ import annotations

import ast
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from msgspec import Struct

from pos_app.i18n import set_translator

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parents[1]
LANGUAGES = ("ru", "en")  # English is the source language: it needs no translation
CALLS = {"tr", "msg", "Message", "trn"}
NUMERUS = "trn"  # its texts have plural forms (Qt's numerus forms)
FORMS = "\x1e"  # between a numerus translation's forms where one string holds them


class Text(Struct, frozen=True, order=True):
    context: str
    source: str
    location: str
    numerus: bool = False  # "%n" forms: one, few, many in Russian
    comment: str = ""  # Qt's disambiguation, part of what a translation is looked up by


# Qt 6's own texts that its Russian translation (qtbase_ru, shipped with PySide6) lacks, so
# its file dialog said "Look in:", "Files of type:" and "Folder", its print dialog "Page Set:"
# in Russian (issue 20 #2, a walk).
# Ours is installed for every context, so translating them here fills the gaps.
QT_GAPS = (
    Text("QFileDialog", "&Look in:", "pos_app/ui/translations.py:0"),
    Text("QFileDialog", "Files of &type:", "pos_app/ui/translations.py:0"),
    Text("QAbstractFileIconProvider", "Folder", "pos_app/ui/translations.py:0",
         comment="All other platforms"),
    Text("QAbstractFileIconProvider", "Drive", "pos_app/ui/translations.py:0"),
    Text("QPrintSettingsOutput", "Page &Set:", "pos_app/ui/translations.py:0"),
)


def resources_dir() -> Path:
    """``resources/`` next to the package, or inside a frozen bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return PACKAGE.parent / "resources"


def ts_path(language: str) -> Path:
    return resources_dir() / "translations" / f"pos_app_{language}.ts"


# -- finding the texts ----------------------------------------------------------------------

def _string(node: ast.AST, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _calls(path: Path) -> Iterator[tuple[ast.Call, str | None, str | None]]:
    """Every ``tr``/``msg``/``Message`` call in ``path``, with its context and source when they
    can be read without running the code (literals, or the module's own string constants)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    constants = {target.id: node.value.value for node in tree.body
                 if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                 and isinstance(node.value.value, str)
                 for target in node.targets if isinstance(target, ast.Name)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else (
            node.func.attr if isinstance(node.func, ast.Attribute) else "")
        if name in CALLS:
            yield node, _string(node.args[0], constants), _string(node.args[1], constants)


def texts_in(path: Path, root: Path = PACKAGE.parent) -> Iterator[Text]:
    relative = path.relative_to(root).as_posix()
    for node, context, source in _calls(path):
        if context and source:
            name = node.func.id if isinstance(node.func, ast.Name) else ""
            yield Text(context, source, f"{relative}:{node.lineno}", numerus=name == NUMERUS)


def texts_not_read(root: Path = PACKAGE) -> list[str]:
    """Where a text's context or source cannot be read from the code (an imported context
    constant, a text built at run time): such a text never reaches the .ts file and is shown
    in English.  As ``file:line``."""
    return [f"{path.relative_to(root.parent).as_posix()}:{node.lineno}"
            for path in sorted(root.rglob("*.py"))
            for node, context, source in _calls(path) if not (context and source)]


def all_texts(root: Path = PACKAGE) -> list[Text]:
    found: dict[tuple[str, str], Text] = {(t.context, t.source): t for t in QT_GAPS}
    for path in sorted(root.rglob("*.py")):
        for text in texts_in(path):
            found.setdefault((text.context, text.source), text)
    return sorted(found.values())


# -- the .ts files ------------------------------------------------------------------------

def read_ts(path: Path) -> dict[tuple[str, str], str]:
    """(context, source) -> translation, for finished translations (a numerus one: its
    forms joined by FORMS)."""
    if not path.exists():
        return {}
    import xml.etree.ElementTree as ET  # the .ts tool's, not the app's start

    translations = {}
    # Our own committed file, not untrusted input.
    for context in ET.parse(path).getroot().iter("context"):  # noqa: S314
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") in (
                    "unfinished", "obsolete", "vanished"):
                continue
            forms = [form.text or "" for form in translation.iter("numerusform")]
            text = FORMS.join(forms) if forms else translation.text
            if text:
                translations[(name, message.findtext("source", ""))] = text
    return translations


def write_ts(path: Path, language: str, texts: Iterable[Text],
             translations: dict[tuple[str, str], str]) -> list[Text]:
    """Write the .ts file; returns the texts that still have no translation."""
    import xml.etree.ElementTree as ET

    root = ET.Element("TS", version="2.1", language=language, sourcelanguage="en")
    missing = []
    by_context: dict[str, list[Text]] = {}
    for text in texts:
        by_context.setdefault(text.context, []).append(text)
    for name in sorted(by_context):
        context = ET.SubElement(root, "context")
        ET.SubElement(context, "name").text = name
        for text in by_context[name]:
            message = ET.SubElement(context, "message")
            if text.numerus:
                message.set("numerus", "yes")
            # The file only: line numbers would change the .ts on every edit of the code.
            file = text.location.rpartition(":")[0]
            ET.SubElement(message, "location", filename=f"../../{file}")
            ET.SubElement(message, "source").text = text.source
            if text.comment:
                ET.SubElement(message, "comment").text = text.comment
            translated = translations.get((text.context, text.source))
            element = ET.SubElement(message, "translation")
            if translated and text.numerus:
                for form in translated.split(FORMS):
                    ET.SubElement(element, "numerusform").text = form
            elif translated:
                element.text = translated
            else:
                element.set("type", "unfinished")
                missing.append(text)
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = ET.tostring(root, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n",
                    encoding="utf-8")
    return missing


def update(language: str = "ru") -> list[Text]:
    path = ts_path(language)
    return write_ts(path, language, all_texts(), read_ts(path))


# -- building and loading -----------------------------------------------------------------

def lrelease() -> Path:
    import PySide6

    folder = Path(PySide6.__file__).parent
    for name in ("lrelease.exe", "lrelease", "Qt/libexec/lrelease"):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError("Qt's lrelease is not in this PySide6")


def qm_path(language: str, cache: Path) -> Path:
    """The compiled translation: shipped next to the .ts in a bundle, else built into cache.
    Raises OSError or ``subprocess.SubprocessError`` when it cannot be built."""
    import hashlib  # OpenSSL's: only when a translation is loaded (issue 17)
    import subprocess

    source = ts_path(language)
    shipped = source.with_suffix(".qm")
    if getattr(sys, "frozen", False) and shipped.exists():
        return shipped
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    target = cache / f"pos_app_{language}-{digest}.qm"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".tmp.qm")
        subprocess.run([str(lrelease()), "-silent", str(source), "-qm", str(partial)],  # noqa: S603
                       check=True, capture_output=True, timeout=60)
        os.replace(partial, target)
    return target


def default_language(configured: str) -> str:
    """The configured language, else Russian on a Russian system, else English."""
    if configured in LANGUAGES:
        return configured
    from PySide6.QtCore import QLocale

    return "ru" if QLocale.system().language() == QLocale.Language.Russian else "en"


class Translations:
    """Installs the chosen language; widgets retranslate on Qt's LanguageChange event."""

    def __init__(self, cache: Path) -> None:
        from PySide6.QtCore import QCoreApplication, QTranslator

        self._cache = cache
        self._translator = QTranslator()
        # Qt's own words (Yes/No, OK/Cancel, the file dialog): qtbase_<language>.qm, which
        # ships with PySide6 and the bundle (issue 20: they stayed English in Russian).
        self._qt = QTranslator()
        self._installed = False
        self._core = QCoreApplication
        self.language = "en"
        def qt_translate(context: str, text: str, n: int = -1) -> str:
            return QCoreApplication.translate(context, text, None, n)

        set_translator(qt_translate)

    def use(self, language: str) -> None:
        """Switch language; Qt tells every widget with a LanguageChange event."""
        if self._installed:
            self._core.removeTranslator(self._translator)
            self._core.removeTranslator(self._qt)
            self._installed = False
        if language != "en":
            import subprocess

            try:
                loaded = self._translator.load(str(qm_path(language, self._cache)))
            except (OSError, subprocess.SubprocessError) as exc:
                log.error("the %s translation could not be built: %s", language, exc)
                loaded = False
            if not loaded:
                log.error("the %s translation could not be loaded; staying in %s",
                          language, self.language)
                return
            self._core.installTranslator(self._translator)
            if self._qt.load(f"qtbase_{language}", _qt_translations()):
                self._core.installTranslator(self._qt)
            else:
                log.warning("Qt's own %s translation is missing: its dialogs stay English",
                            language)
            self._installed = True
        self.language = language
        _use_locale(language)


def _use_locale(language: str) -> None:
    """Qt's words that come from the locale, not a translation (a calendar's months, a file
    type's name), in the chosen language: the system's locale if it speaks it."""
    from PySide6.QtCore import QLocale

    system = QLocale.system()
    QLocale.setDefault(system if system.name().startswith(language) else QLocale(language))


def _qt_translations() -> str:
    from PySide6.QtCore import QLibraryInfo

    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def main(argv: list[str] | None = None) -> int:
    """Update the .ts sources from the code and say what is left to translate."""
    missing = update("ru")
    for text in missing:
        sys.stdout.write(f"untranslated: [{text.context}] {text.source!r} ({text.location})\n")
    sys.stdout.write(f"{ts_path('ru')}: {len(all_texts())} texts, {len(missing)} untranslated\n")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
