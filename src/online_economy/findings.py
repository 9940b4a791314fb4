"""The key findings of data/processed/findings.json (from notebook 06) and the README blocks."""

import json
import re
from pathlib import Path

from online_economy import paths
from online_economy.cli import OneLineParser, run_command
from online_economy.errors import InputError
from online_economy.publish import exit_quietly, write_files

FINDINGS_PATH = paths.PROCESSED / "findings.json"
LANGUAGES = ("en", "zh")
READMES = {"en": "README.md", "zh": "README.zh-CN.md"}
BLOCK = re.compile(r"(<!-- findings:start[^\n]*-->\n)(.*?)(<!-- findings:end -->)", re.S)


def load_findings(path: Path = FINDINGS_PATH) -> list[dict[str, str]]:
    """The ``{"findings": [{"id", "en", "zh"}, ...]}`` of findings.json, ids unique, texts set."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else exc
        raise InputError(f"cannot read {path.name}: {reason}") from None
    items = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise InputError(f'{path.name}: expected {{"findings": [...]}} with at least one finding')
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict) or set(item) != {"id", *LANGUAGES}:
            raise InputError(f"{path.name}: finding {i} must have exactly the keys id, en, zh")
        if not all(isinstance(value, str) and value.strip() for value in item.values()):
            raise InputError(f"{path.name}: finding {i} has an empty or non-text field")
    if len({item["id"] for item in items}) != len(items):
        raise InputError(f"{path.name}: repeated finding id")
    return items


def markdown_block(lang: str = "en", path: Path = FINDINGS_PATH) -> str:
    """The findings in one language (``en`` or ``zh``) as a Markdown list: a README's block."""
    return "".join(f"- {item[lang]}\n" for item in load_findings(path))


def update_readmes(root: Path | None = None, path: Path = FINDINGS_PATH) -> list[Path]:
    """Rewrite the findings blocks of README.md and (if any) README.zh-CN.md, all or nothing
    (staged and published together); return the files that changed."""
    root = paths.ROOT if root is None else Path(root)
    if not (root / READMES["en"]).is_file():
        raise InputError(f"no {READMES['en']} in {root}")
    staged = []
    for lang, name in READMES.items():
        if (readme := root / name).is_file():
            old = readme.read_text(encoding="utf-8")
            if (match := BLOCK.search(old)) is None:
                raise InputError(f"{name} has no findings block (<!-- findings:start --> … end)")
            new = old[:match.start(2)] + markdown_block(lang, path) + old[match.end(2):]
            if new != old:
                staged.append((readme, new))
    if staged:
        write_files(root, {readme.name: new for readme, new in staged})
    return [readme for readme, _ in staged]


def main(argv: list[str] | None = None) -> int:
    """``python -m online_economy.findings --readme``."""
    parser = OneLineParser(prog="python -m online_economy.findings",
                           description="Copy the findings into the findings blocks of the READMEs.")
    parser.add_argument("--readme", action="store_true", required=True,
                        help="rewrite the findings blocks of README.md and README.zh-CN.md")
    parser.parse_args(argv)

    def work() -> int:
        names = ", ".join(p.name for p in update_readmes()) or "nothing (already up to date)"
        print(f"updated the findings block of {names}")
        return 0

    return run_command(work)


if __name__ == "__main__":
    exit_quietly(main())
