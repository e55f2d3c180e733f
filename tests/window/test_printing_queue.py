"""The test print queue works end to end: Qt's CUPS plugin in another process prints to it.

Qt runs in a subprocess (as the app does), so the pytest process never loads the print plugin.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pypdfium2

from tests.window.printing import PrintQueue, pdf_text

MM_PER_POINT = 25.4 / 72

# argv: the text and the job title. Prints on an 80 mm receipt page through the default
# printer and reports what Qt saw; exit status 1 if Qt says the print failed.
PRINT_SCRIPT = """
import json, sys
from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import QApplication

app = QApplication([])
printer = QPrinter()
size = QPageSize(QSizeF(80, 150), QPageSize.Unit.Millimeter, "Receipt 80 mm",
                 QPageSize.SizeMatchPolicy.ExactMatch)
layout_set = printer.setPageLayout(QPageLayout(
    size, QPageLayout.Orientation.Portrait, QMarginsF(3, 3, 3, 3), QPageLayout.Unit.Millimeter))
printer.setDocName(sys.argv[2])
document = QTextDocument()
document.setPlainText(sys.argv[1])
document.print_(printer)
failed = printer.printerState() == QPrinter.PrinterState.Error
print(json.dumps({
    "default": QPrinterInfo.defaultPrinterName(),
    "printer": printer.printerName(),
    "native": printer.outputFormat() == QPrinter.OutputFormat.NativeFormat,
    "layout_set": layout_set,
    "failed": failed,
}))
sys.exit(1 if failed else 0)
"""


def print_with_qt(queue: PrintQueue, text: str, title: str) -> dict[str, Any]:
    """Run PRINT_SCRIPT with the queue's environment; what Qt reported."""
    env = {**os.environ, **queue.env, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", PRINT_SCRIPT, text, title], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def test_qt_prints_to_the_queue_as_default_printer(print_queue: PrintQueue) -> None:
    before = print_queue.pdfs()
    report = print_with_qt(print_queue, "ИТОГО 123,45 ₽ TRAINING", "receipt-one")
    assert report == {"default": print_queue.name, "printer": print_queue.name,
                      "native": True, "layout_set": True, "failed": False}

    first = print_queue.wait_for_pdf(after=before)
    assert " ".join(pdf_text(first).split()).startswith("ИТОГО 123,45 ₽ TRAINING")
    document = pypdfium2.PdfDocument(first)
    try:
        width, height = document[0].get_size()
    finally:
        document.close()
    # Qt sends the custom size in whole points (PageSize=Custom.226x425): 79.7 mm.
    assert abs(width * MM_PER_POINT - 80) < 1, (width, height)
    assert abs(height * MM_PER_POINT - 150) < 1, (width, height)

    print_with_qt(print_queue, "ВТОРОЙ ЧЕК 7,00 ₽", "receipt-two")
    second = print_queue.wait_for_pdf(after=before | {first})
    assert second != first
    assert first.exists()
    assert "ВТОРОЙ ЧЕК 7,00 ₽" in " ".join(pdf_text(second).split())
    assert print_queue.pdfs() - before == {first, second}
