"""The main command on small temporary notebooks: run, site, in place, failures."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from online_economy import report, website

FINDINGS = Path(__file__).with_name("fixtures") / "findings.json"

# A 1x1 PNG, shown by a markdown cell: it must end up embedded in the page.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

# Each notebook announces itself, then waits for the other: both finish only if they
# run at the same time, in different kernels, with cwd = the notebooks folder.
RENDEZVOUS = """\
import os, pathlib, time
pathlib.Path("{me}.started").write_text(str(os.getpid()))
deadline = time.monotonic() + 60
while not pathlib.Path("{other}.started").exists() and time.monotonic() < deadline:
    time.sleep(0.05)
assert pathlib.Path("{other}.started").exists(), "the notebooks did not run in parallel"
"""

FIGURE = """\
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(3, 2))
ax.bar(["a", "b"], [3, 5])
plt.show()
"""

# A figure written where the package puts figures: the report stages it, then publishes it.
KERNEL_FIGURE = """\
from online_economy import paths
(paths.FIGURES / "from-kernel.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
"""

CDN = re.compile(
    r"""(?:\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import\s+(?:url\()?\s*["']?(?:https?:)?//)"""
    r"""|(?:import\(\s*["'](?:https?:)?//)""",
    re.IGNORECASE,
)


def _notebook(title: str, prose: str, code: list[str], summary: str | None = None):
    nb = new_notebook()
    nb.cells = [new_markdown_cell(f"# {title}\n\n{prose}"), *map(new_code_cell, code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    if summary is not None:
        nb.metadata["online_economy"] = {"summary": summary}
    return nb


def _write(folder: Path, name: str, nb) -> Path:
    path = folder / name
    nbformat.write(nb, path)
    return path


def _pair(folder: Path) -> list[Path]:
    """Two notebooks that must run in parallel; one with a figure and an image."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pixel.png").write_bytes(PIXEL)
    first = _notebook(
        "来源与结构", "第一段：发布会的文字实录。\n\nSecond paragraph.",
        [RENDEZVOUS.format(me="01", other="02"), FIGURE, "print('在线新经济')", KERNEL_FIGURE],
        summary="原文与结构 (source and structure)",
    )
    second = _notebook(
        "Words 词语", "The *first* paragraph, not the summary.\n\n![pixel](pixel.png)",
        [RENDEZVOUS.format(me="02", other="01"), "sum(range(10))"], summary="Words, counted",
    )
    return [_write(folder, "01-source.ipynb", first), _write(folder, "02-words.ipynb", second)]


def _findings(tmp: Path, text: str = FINDINGS.read_text(encoding="utf-8")) -> None:
    """A findings.json in ``tmp/processed``, as notebook 06 leaves one in data/processed."""
    (tmp / "processed").mkdir(exist_ok=True)
    (tmp / "processed" / "findings.json").write_text(text, encoding="utf-8")


def _args(nb_dir: Path, tmp: Path, *extra: str) -> list[str]:
    return ["--notebooks", str(nb_dir), "--html", str(tmp / "html"),
            "--processed", str(tmp / "processed"), "--figures", str(tmp / "figures"), *extra]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One parallel run of the command over two notebooks; its output and files."""
    tmp = tmp_path_factory.mktemp("report")
    nb_dir = tmp / "notebooks"
    sources = _pair(nb_dir)
    before = {p: p.read_bytes() for p in sources}
    figures = tmp / "figures"
    figures.mkdir()
    (figures / "bars.png").write_bytes(PIXEL)
    (figures / "bars.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    _findings(tmp)
    out = subprocess.run(
        [sys.executable, "-m", "online_economy.report", *_args(nb_dir, tmp), "--jobs", "2"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    return {"tmp": tmp, "nb_dir": nb_dir, "sources": sources, "before": before, "out": out}


def test_runs_in_parallel_and_reports_progress(built):
    out = built["out"]
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    lines = out.stdout.splitlines()
    progress = [line for line in lines if line.startswith("[")]
    assert len(progress) == 2
    for count, line in enumerate(progress, 1):  # in the order they end
        assert re.fullmatch(rf"\[{count}/2\] 0[12]-\w+\.ipynb  ok  \d+\.\d s", line), line
    assert {line.split()[1] for line in progress} == {"01-source.ipynb", "02-words.ipynb"}
    assert "html/index.html" in lines[-1]
    pids = {(built["nb_dir"] / f"{n}.started").read_text() for n in ("01", "02")}
    assert len(pids) == 2  # two fresh kernels


def test_does_not_rewrite_the_notebooks(built):
    for path, data in built["before"].items():
        assert path.read_bytes() == data


def test_pages_and_index(built):
    html_dir = built["tmp"] / "html"
    index = (html_dir / "index.html").read_text(encoding="utf-8")
    for name, title, summary in [
        ("01-source", "来源与结构", "原文与结构 (source and structure)"),
        ("02-words", "Words 词语", "Words, counted"),
    ]:
        page = (html_dir / f"{name}.html").read_text(encoding="utf-8")
        assert f"<title>{title}</title>" in page
        assert f'<a href="{name}.html">{title}</a>' in index
        assert summary in index
    assert "not the summary" not in index
    assert "<li>Three categories &lt;of&gt; twelve.</li>" in index  # findings.json, staged
    first = (html_dir / "01-source.html").read_text(encoding="utf-8")
    assert "在线新经济" in first  # the executed output, not just the source
    assert first.count("data:image/png;base64,") >= 1  # the matplotlib figure
    second = (html_dir / "02-words.html").read_text(encoding="utf-8")
    assert 'src="pixel.png"' not in second and "data:image/png;base64," in second
    figures = (html_dir / "figures" / "index.html").read_text(encoding="utf-8")
    assert 'src="bars.png"' in figures and 'href="bars.svg"' in figures
    assert (html_dir / "figures" / "bars.svg").is_file()
    assert 'href="figures/index.html"' in index
    assert (built["tmp"] / "figures" / "from-kernel.svg").is_file()  # staged, then published
    assert (html_dir / "figures" / "from-kernel.svg").is_file()
    assert not list(built["tmp"].glob(".*staging-*"))


def test_no_cdn_references(built):
    pages = sorted((built["tmp"] / "html").rglob("*.html"))
    assert len(pages) == 6  # two notebooks, index, glossary, figures index
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not CDN.search(text), (page.name, CDN.search(text))
        assert "cdnjs" not in text and "unpkg" not in text and "mathjax" not in text.lower()


def test_cdn_pattern_catches_the_default_template():
    nb = _notebook("t", "x", [])
    default, _ = website.HTMLExporter(template_name="lab").from_notebook_node(nb)
    assert CDN.search(default)
    _, offline = website.render_page(Path("x.ipynb"), nb, transcript=False)
    assert not CDN.search(offline)


def test_in_place_is_idempotent(tmp_path, capsys):
    nb_dir = tmp_path / "nb"
    nb_dir.mkdir()
    path = _write(nb_dir, "01-one.ipynb", _notebook("One", "p", ["x = 6 * 7\nx", FIGURE]))
    _findings(tmp_path)
    assert report.main(_args(nb_dir, tmp_path, "--in-place")) == 0
    first = path.read_bytes()
    executed = nbformat.reads(first.decode("utf-8"), as_version=4)
    assert executed.cells[1].outputs[0]["data"]["text/plain"] == "42"
    assert "in place: 1 of 1 notebooks changed" in capsys.readouterr().out
    assert report.main(_args(nb_dir, tmp_path, "--in-place")) == 0
    assert path.read_bytes() == first
    assert "in place: 0 of 1 notebooks changed" in capsys.readouterr().out


def test_failure_names_notebook_cell_and_error(tmp_path, capsys):
    nb_dir = tmp_path / "nb"
    nb_dir.mkdir()
    _write(nb_dir, "01-bad.ipynb",
           _notebook("Bad", "p", ["x = 1", "\ntable = {}\ntable['missing']", "y = 2"]))
    assert report.main(_args(nb_dir, tmp_path)) == 1
    out, err = capsys.readouterr()
    assert err == (
        "error: 01-bad.ipynb failed at cell 3 of 4, line 3 (table['missing']): "
        "KeyError: 'missing'\n"
    )
    assert "Traceback" not in out + err
    assert not (tmp_path / "html").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--jobs", "0"], "error: --jobs must be at least 1, not 0\n"),
        (["--jobs", "two"], "error: argument --jobs: invalid int value: 'two' (see --help)\n"),
        (["--bogus"], "error: unrecognized arguments: --bogus (see --help)\n"),
        (["--in-place", "--no-execute"],
         "error: --in-place and --no-execute cannot be combined\n"),
    ],
)
def test_bad_arguments(argv, message, capsys):
    try:
        status = report.main(argv)
    except SystemExit as exc:  # argparse's own errors: cli.OneLineParser, as every command
        status = exc.code
    assert status == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", message)


def test_the_site_folder_is_never_one_that_holds_other_work(tmp_path, capsys):
    nb_dir = tmp_path / "nb"
    nb_dir.mkdir()
    (tmp_path / "mine.txt").write_text("not a site")
    cases = {
        str(tmp_path): f"error: --html {tmp_path} would replace {nb_dir}; "
                       "choose a folder of its own\n",
        "": "error: --html is empty; name a folder\n",
    }
    for html, message in cases.items():
        argv = ["--notebooks", str(nb_dir), "--html", html]
        assert report.main(argv) == 2
        assert capsys.readouterr().err == message
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    assert report.main(["--notebooks", str(nb_dir), "--html", str(other)]) == 2
    assert "is not empty and holds no site" in capsys.readouterr().err
    assert (other / "notes.txt").read_text() == "keep me"
    (other / "index.html").write_text("<p>a page</p>")  # a page of its own does not make it a site
    assert report.main(["--notebooks", str(nb_dir), "--html", str(other)]) == 2
    assert "is not empty and holds no site" in capsys.readouterr().err
    assert (other / "notes.txt").read_text() == "keep me"


def test_missing_or_empty_notebook_folder(tmp_path, capsys):
    assert report.main(_args(tmp_path / "nope", tmp_path)) == 2
    assert capsys.readouterr().err.startswith("error: no such notebook folder")
    assert report.main(_args(tmp_path, tmp_path)) == 2
    assert "no notebooks matching" in capsys.readouterr().err


def test_title_fallback_and_summary_from_metadata_only():
    nb = new_notebook()
    nb.cells = [new_markdown_cell("Intro without heading\n\nMore.")]
    assert website.notebook_title(nb, "03-x") == "03-x"
    assert website.notebook_summary(nb) == ""
    nb.cells = [new_markdown_cell("# 标题\n\n见 [原文](../data/raw/x.txt)，**重点**。")]
    assert website.notebook_title(nb, "f") == "标题"
    nb.metadata["online_economy"] = {"summary": " 一行摘要 "}
    assert website.notebook_summary(nb) == "一行摘要"
    nb.metadata["online_economy"] = {"summary": ["not", "text"]}
    assert website.notebook_summary(nb) == ""


@pytest.mark.parametrize(("text", "message"), [
    (None, "error: cannot read findings.json: "),
    ("{}", 'error: findings.json: expected {"findings": [...]} with at least one finding\n'),
])
def test_the_index_needs_a_good_findings_json_or_nothing_is_published(
    tmp_path, capsys, text, message
):
    """With --no-execute the findings are those in --processed (data/processed has them)."""
    nb_dir = tmp_path / "nb"
    nb_dir.mkdir()
    _write(nb_dir, "01-one.ipynb", _notebook("One", "p", ["x = 1"]))
    if text is not None:
        _findings(tmp_path, text)
    assert report.main(_args(nb_dir, tmp_path, "--no-execute")) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
    assert not (tmp_path / "html").exists()
    assert not list(tmp_path.glob("processed/*.csv"))  # the tables are not published either
    assert not [p for p in tmp_path.rglob(".*") if "staging" in p.name]


def test_write_site_removes_pages_of_deleted_notebooks(tmp_path):
    (tmp_path / "09-gone.html").write_text("old")
    (tmp_path / "notes.html").write_text("not a notebook page")
    nb = _notebook("Kept", "p", [])
    page = website.render_page(tmp_path / "01-kept.ipynb", nb, transcript=False)
    written = website.write_site([page], tmp_path, ["一条发现"])
    assert not (tmp_path / "09-gone.html").exists()
    assert (tmp_path / "notes.html").exists()
    assert [p.name for p in written] == ["01-kept.html", "OENotoSansSC-Regular.otf", "index.html"]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<li>一条发现</li>" in index and "figures/index.html" not in index


def test_site_has_a_glossary_page_linked_from_the_index(tmp_path: Path) -> None:
    from online_economy.glossary import glossary_table

    table = glossary_table(["无中生有", "同比"])
    written = website.write_site([], tmp_path, ["一条发现"], None, table)
    page = (tmp_path / "glossary.html").read_text(encoding="utf-8")
    assert tmp_path / "glossary.html" in written
    assert "无中生有" in page and "wú zhōng shēng yǒu" in page and "同比" in page
    assert 'href="glossary.html"' in (tmp_path / "index.html").read_text(encoding="utf-8")


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# 02 writes its kernel's pid and fails; 01 waits until the command has stopped that kernel
# (so it has seen 02 fail), then a little longer, and fails too: on line 9 (blank line 8).
PID = "import os, pathlib\npathlib.Path({pid!r}).write_text(str(os.getpid()))"
AFTER_02_FAILED = """\
import os, pathlib, time
pid, deadline = pathlib.Path({pid!r}), time.monotonic() + 60
while time.monotonic() < deadline and not pid.exists():
    time.sleep(0.05)
while time.monotonic() < deadline and os.path.exists(f"/proc/{{pid.read_text()}}"):
    time.sleep(0.05)
time.sleep(0.5)

raise ValueError('late')"""


def test_a_failing_report_publishes_nothing_and_blames_the_first_notebook(
    tmp_path, tmp_path_factory, capsys
):
    """02 fails at once, 01 later: 01 is blamed, and no output of this run is published."""
    nb_dir = tmp_path / "nb"
    nb_dir.mkdir()
    pid = str(tmp_path_factory.mktemp("handshake") / "02.pid")  # outside the tree compared
    late = AFTER_02_FAILED.format(pid=pid)
    _write(nb_dir, "01-late.ipynb", _notebook("Late", "p", [KERNEL_FIGURE, late]))
    _write(nb_dir, "02-early.ipynb", _notebook("Early", "p", [PID.format(pid=pid), "1 / 0"]))
    for name, file in (("processed", "old.csv"), ("figures", "old.png"), ("html", "index.html")):
        (tmp_path / name).mkdir()
        (tmp_path / name / file).write_text(f"previous {name}")
    before = _tree(tmp_path)
    assert report.main([*_args(nb_dir, tmp_path), "--jobs", "2"]) == 1
    _, err = capsys.readouterr()
    assert err == (
        "error: 01-late.ipynb failed at cell 3 of 3, line 9 (raise ValueError('late')): "
        "ValueError: late\n"
    )
    assert _tree(tmp_path) == before  # tables, figures and site all from the previous run
    assert not [p for p in tmp_path.rglob(".*") if "staging" in p.name]


def test_a_changed_raw_file_is_bad_input_named_with_its_fix(tmp_path, monkeypatch, capsys):
    from online_economy import paths

    raw = tmp_path / "data" / "raw" / "t.txt"
    raw.parent.mkdir(parents=True)
    raw.write_bytes(paths.TRANSCRIPT.read_bytes().replace("刘平".encode(), "刘乎".encode(), 1))
    monkeypatch.setattr(paths, "TRANSCRIPT", raw)
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    assert report.main(_args(tmp_path, tmp_path)) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("error: data/raw/t.txt has changed (sha256 ")
    assert err.endswith("; restore it with: git checkout -- data/raw/t.txt\n")


SLEEPER = """\
import os, pathlib, time
pathlib.Path("kernel.pid").write_text(str(os.getpid()))
time.sleep(120)
"""


@pytest.mark.parametrize(("signum", "status"), [(2, 130), (15, 143)])
def test_ctrl_c_and_sigterm_stop_the_kernels_and_publish_nothing(tmp_path, signum, status):
    import os
    import time

    nb_dir = tmp_path / "nb"
    nb_dir.mkdir()
    _write(nb_dir, "01-sleep.ipynb", _notebook("Sleep", "p", [KERNEL_FIGURE, SLEEPER]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "online_economy.report", *_args(nb_dir, tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    pid_file = nb_dir / "kernel.pid"
    deadline = time.monotonic() + 90
    while not pid_file.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert pid_file.exists(), proc.communicate(timeout=30)
    time.sleep(0.3)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (status, "interrupted\n")
    kernel = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(kernel, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the kernel is still running")
    assert not (tmp_path / "html").exists()
    assert not list((tmp_path / "figures").iterdir())
    assert not [p for p in tmp_path.rglob(".*") if "staging" in p.name]
