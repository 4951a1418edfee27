"""Simplified Chinese date formats (FORMAT_MODULE_PATH): tables show 2026年12月7日; forms still read and
write ISO dates first (a date input needs 2026-12-07), and also accept 2026/12/07 and 2026年12月7日."""

SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
]
