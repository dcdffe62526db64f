"""`evidence verify` catches every edit, deletion and reordering of journal entries, naming
the entry, and the HMAC catches a chain rebuilt by someone without the key."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tradedr.evidence.chain import HEAD_NAME, Chain, Signer, entry_hash, genesis
from tradedr.evidence.provenance import Operator, Provenance
from tradedr.evidence.verify import LegacyJournalError, verify_journal
from tradedr.ops.executor import Journal, line_checksum

RUN = "failover-20261207T120000Z-ab12"
KEY = Signer(b"test-key", "env:TRADEDR_EVIDENCE_HMAC_KEY")


def write_run(tmp_path: Path, signer: Signer | None = None) -> Path:
    """Six entries, as a two-step run writes them."""
    journal = Journal(tmp_path / RUN / "journal.jsonl")
    journal.path.parent.mkdir()
    journal.provenance = Provenance(Operator("local:tester", "local-user"), "c" * 64, {}, signer)
    journal.append("run-start", run_id=RUN, plan="failover", target="local")
    for step in ("fence-us-east-1", "promote-us-west-2"):
        journal.append("step-start", step=step, action="x", region="us-west-2", attempt=1)
        journal.append("step-end", step=step, outcome="executed", start=1.0, end=2.0)
    journal.append("run-end", status="completed")
    return journal.path


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


def save(path: Path, items: list[str]) -> None:
    path.write_text("".join(f"{line}\n" for line in items))


def edited(line: str, *, resum: bool) -> str:
    event = json.loads(line)
    event["outcome" if "outcome" in event else "status" if "status" in event else "region"] = "x"
    if resum:
        event.pop("sum")
        event["sum"] = line_checksum(event)
    return json.dumps(event)


def edit(index: int, *, resum: bool) -> Callable[[list[str]], list[str]]:
    def change(items: list[str]) -> list[str]:
        items[index - 1] = edited(items[index - 1], resum=resum)
        return items

    return change


def delete(index: int) -> Callable[[list[str]], list[str]]:
    return lambda items: items[: index - 1] + items[index:]


def swap(index: int) -> Callable[[list[str]], list[str]]:
    def change(items: list[str]) -> list[str]:
        items[index - 1], items[index] = items[index], items[index - 1]
        return items

    return change


@pytest.mark.parametrize(
    ("tamper", "entry", "says"),
    [
        (edit(3, resum=False), 3, "step-end fence-us-east-1 was changed after it was written"),
        (edit(3, resum=True), 3, "entry 4 (step-start promote-us-west-2) no longer chains"),
        (edit(1, resum=True), 1, "run-start was changed after it was written: entry 2"),
        (edit(6, resum=True), 6, "run-end was changed after it was written: it differs from"),
        (delete(2), 2, "entry 2 is missing (the next one carries seq 3): it was deleted"),
        (delete(1), 1, "entry 1 is missing"),
        (delete(6), 6, "the head records 6 entries, the journal holds 5"),
        (swap(2), 2, "entry 2 is at line position 3, not 2: the entries were reordered"),
        (swap(5), 5, "entry 5 is at line position 6"),
    ],
    ids=[
        "edit",
        "edit-resummed",
        "edit-first-resummed",
        "edit-last-resummed",
        "delete",
        "delete-first",
        "delete-last",
        "reorder",
        "reorder-last-two",
    ],
)
def test_each_tampering_names_the_first_broken_entry(
    tmp_path: Path, tamper: Callable[[list[str]], list[str]], entry: int, says: str
) -> None:
    path = write_run(tmp_path)
    assert verify_journal(path).intact
    save(path, tamper(lines(path)))
    result = verify_journal(path)
    assert not result.intact
    assert result.broken is not None
    assert result.broken.entry == entry
    assert says in result.line
    assert result.line.startswith(f"{RUN}: BROKEN at entry {entry}: ")


def test_an_intact_chain_reports_its_entries_and_head(tmp_path: Path) -> None:
    path = write_run(tmp_path)
    result = verify_journal(path)
    items = lines(path)
    assert (result.intact, result.entries, result.signature) == (True, 6, "unsigned")
    assert result.head == entry_hash(items[-1].encode())
    first = json.loads(items[0])
    assert first["prev"] == genesis(RUN)
    assert [json.loads(line)["seq"] for line in items] == [1, 2, 3, 4, 5, 6]
    assert {json.loads(line)["operator"] for line in items} == {"local:tester"}
    assert all(json.loads(line)["utc"].endswith("Z") for line in items)


def test_a_torn_last_line_is_left_out_with_a_warning(tmp_path: Path) -> None:
    path = write_run(tmp_path)
    with path.open("a") as handle:
        handle.write('{"event": "step-st')
    result = verify_journal(path)
    assert result.intact
    assert result.entries == 6
    assert any("torn last line" in w for w in result.warnings)


def test_a_resumed_run_continues_its_chain(tmp_path: Path) -> None:
    path = write_run(tmp_path)
    again = Journal(path)
    again.append("run-start", run_id=RUN, resumed=True)
    result = verify_journal(path)
    assert (result.intact, result.entries) == (True, 7)


def test_a_journal_written_before_chains_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / RUN / "journal.jsonl"
    path.parent.mkdir()
    event = {"event": "run-start", "time": 1.0}
    save(path, [json.dumps({**event, "sum": line_checksum(event)})])
    with pytest.raises(LegacyJournalError) as caught:
        verify_journal(path)
    assert "written before tradedr chained its journal entries" in caught.value.message
    assert "\n" not in caught.value.message


def test_the_hmac_catches_a_chain_rebuilt_without_the_key(tmp_path: Path) -> None:
    path = write_run(tmp_path, signer=KEY)
    assert verify_journal(path, KEY).signature == "valid"
    assert verify_journal(path).signature == "not checked"
    # A forger edits entry 3 and rebuilds every link and the head, without the key.
    items = lines(path)
    items[2] = edited(items[2], resum=True)
    chain = Chain(RUN, 0, genesis(RUN))
    rebuilt = []
    for line in items:
        event = json.loads(line)
        event.pop("sum")
        event["prev"] = chain.head
        event["sum"] = line_checksum(event)
        text = json.dumps(event)
        rebuilt.append(text)
        chain.advance(text)
    save(path, rebuilt)
    chain.write_head(path)
    assert verify_journal(path).intact  # without a key, a consistent rebuild passes
    signed = json.loads((path.parent / HEAD_NAME).read_text())
    signed["hmac"] = "0" * 64
    signed["key_source"] = KEY.source
    (path.parent / HEAD_NAME).write_text(json.dumps(signed))
    result = verify_journal(path, KEY)
    assert result.signature == "invalid"
    assert not result.intact
    assert "HMAC" in result.line
    assert "does not verify" in result.line


def test_the_cli_checks_the_head_with_the_key_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from tradedr.cli import app

    write_run(tmp_path, signer=Signer(b"k", "env:TRADEDR_EVIDENCE_HMAC_KEY"))
    monkeypatch.setenv("TRADEDR_EVIDENCE_HMAC_KEY", "k")
    good = CliRunner().invoke(app, ["evidence", "verify", RUN, "--runs-dir", str(tmp_path)])
    assert good.exit_code == 0, good.output
    assert good.stdout.strip() == (
        f"{RUN}: intact, 6 entries, head signed and verified (env:TRADEDR_EVIDENCE_HMAC_KEY)"
    )
    monkeypatch.setenv("TRADEDR_EVIDENCE_HMAC_KEY", "wrong")
    bad = CliRunner().invoke(app, ["evidence", "verify", RUN, "--runs-dir", str(tmp_path)])
    assert bad.exit_code == 1
    assert "BROKEN at the head: its HMAC" in bad.stdout


def test_the_cli_names_the_broken_entry_and_exits_1(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tradedr.cli import app

    path = write_run(tmp_path)
    save(path, delete(4)(lines(path)))
    result = CliRunner().invoke(app, ["evidence", "verify", str(path)])
    assert result.exit_code == 1
    assert result.stdout.strip() == (
        f"{RUN}: BROKEN at entry 4: entry 4 is missing (the next one carries seq 5): it was deleted"
    )


def test_verify_takes_a_runs_directory_and_checks_every_journal_in_it(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tradedr.cli import app

    path = write_run(tmp_path)
    result = CliRunner().invoke(app, ["evidence", "verify", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert [j["journal"] for j in json.loads(result.stdout)["journals"]] == [str(path)]
