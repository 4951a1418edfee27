"""The risk register reads in Simplified Chinese when the browser asks for it, and a transparency report built
in Chinese has its fixed text (headings, table titles and columns, chart titles) in Chinese while its data
files stay the same (issue 22)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.reports.transparency.figures import compute_figures
from conduct.apps.reports.transparency.gather import report_inputs
from conduct.apps.reports.transparency.render import write_files


@pytest.fixture(autouse=True)
def _back_to_english() -> Iterator[None]:
    """A request with Accept-Language leaves its language active in the thread: later tests expect English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


pytestmark = pytest.mark.django_db


def test_the_risk_register_reads_in_chinese(api_client, officer):
    page = api_client(officer).get("/risks/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<h1>人权风险登记册</h1>" in page and "添加突出风险" in page
    assert "Human-rights risk register" in api_client(officer).get("/risks/").content.decode()


def test_a_report_built_in_chinese_reads_in_chinese_and_keeps_its_data(tmp_path: Path) -> None:
    year = timezone.localdate().year
    figures = compute_figures(report_inputs(actor=SYSTEM, year=year))
    with translation.override("zh-hans"):
        write_files(figures, tmp_path / "zh", pdf=False)
    write_files(figures, tmp_path / "en", pdf=False)
    zh = (tmp_path / "zh" / "index.html").read_text(encoding="utf-8")
    assert f"{year} 年人权与 ESG 报告" in zh and '<html lang="zh-Hans">' in zh
    assert f"{year} 年按关口和结果统计的关口决定" in zh and "关口</th>" in zh
    assert "按关口和结果统计的关口决定" in (tmp_path / "zh" / "charts" / "gates.svg").read_text(
        encoding="utf-8"
    )
    en = (tmp_path / "en" / "index.html").read_text(encoding="utf-8")
    assert f"Human-rights and ESG report {year}" in en and "人权" not in en
    for name in ("data.json", "data/gate_decisions.csv"):
        assert (tmp_path / "zh" / name).read_bytes() == (tmp_path / "en" / name).read_bytes()
    assert json.loads((tmp_path / "zh" / "data.json").read_text())["tables"][0]["columns"][0] == "Body"


def test_a_chinese_report_prints_its_characters_with_a_cjk_font(tmp_path: Path) -> None:
    """Without a font holding CJK glyphs (make pango installs WenQuanYi Micro Hei) WeasyPrint prints the
    Chinese text of the PDF as empty boxes; the PDF must embed such a font beside the Latin one."""
    import re

    import weasyprint

    year = timezone.localdate().year
    figures = compute_figures(report_inputs(actor=SYSTEM, year=year))
    with translation.override("zh-hans"):
        write_files(figures, tmp_path, pdf=False)
    index = tmp_path / "index.html"
    pdf = weasyprint.HTML(filename=str(index), base_url=str(tmp_path)).write_pdf(uncompressed_pdf=True)
    fonts = {name.split(b"+", 1)[-1].decode() for name in re.findall(rb"/BaseFont\s*/([\w+\-]+)", pdf)}
    assert any(font.startswith(("WenQuanYi", "Noto-Sans-CJK", "NotoSansCJK")) for font in fonts), fonts
