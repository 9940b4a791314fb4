"""The raw transcript is the seed, byte for byte, and its provenance record matches it."""

from __future__ import annotations

import hashlib
import json

from online_economy import paths

SEED_SHA256 = "4b8aa7b2b16ac4e863fb5e3b54546cce1b9fa547e542b69bbe34b5bdc987241b"


def test_raw_transcript_hash_is_the_seed() -> None:
    data = paths.TRANSCRIPT.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SEED_SHA256
    assert len(data) == 13936
    assert len(data.decode("utf-8")) == 5046


def test_provenance_record_describes_the_file() -> None:
    record = json.loads(paths.PROVENANCE.read_text(encoding="utf-8"))
    data = paths.TRANSCRIPT.read_bytes()
    assert record["sha256"] == hashlib.sha256(data).hexdigest()
    assert record["bytes"] == len(data)
    assert record["characters"] == len(data.decode("utf-8"))
    assert record["event_date"] == "2020-04-13"
    assert record["page_date"] == "2022-05-30"
    text = data.decode("utf-8")
    assert text.splitlines()[0] == record["title"]
    assert text.splitlines()[2] == record["page_date"]


def test_raw_folder_holds_only_the_source_and_its_record() -> None:
    names = sorted(p.name for p in paths.RAW.iterdir())
    assert names == [paths.PROVENANCE.name, paths.TRANSCRIPT.name]
