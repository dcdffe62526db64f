"""What a real run's journal records for `tradedr evidence` (moto, in-process): the chain
verifies across a stop and a resume, every entry names the operator and the config, the
approval says who answered and how, and on AWS the operator is STS's answer."""

from __future__ import annotations

import pytest
from tests.unit.ops.moto_env import Environment, journal

from tradedr.evidence.chain import KEY_ENV, Signer
from tradedr.evidence.provenance import config_hash
from tradedr.evidence.verify import verify_journal
from tradedr.ops.failover import failover
from tradedr.ops.run import RunOptions, resume

STANDBY = "us-west-2"


def test_a_declined_then_resumed_run_is_one_intact_chain_with_both_answers(
    env: Environment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "alice")
    monkeypatch.setenv(KEY_ENV, "drill-key")
    first = failover(
        env.settings,
        env.provider,
        RunOptions(runs_dir=env.runs_dir, approver=lambda _prompt: False),
        to_region=STANDBY,
    )
    assert first.status == "stopped"
    second = resume(
        first.run_id,
        env.settings,
        env.provider,
        RunOptions(runs_dir=env.runs_dir, approver=lambda _prompt: True),
    )
    assert second.status == "completed"
    path = env.runs_dir / first.run_id / "journal.jsonl"
    result = verify_journal(path, Signer(b"drill-key", "test"))
    events = journal(env.runs_dir, first.run_id)
    assert (result.intact, result.entries, result.signature) == (True, len(events), "valid")
    assert {e["operator"] for e in events} == {"local:alice"}
    assert {e["config_hash"] for e in events} == {config_hash(env.settings)}
    starts = [e for e in events if e["event"] == "run-start"]
    assert [s["provenance"]["signed_by"] for s in starts] == [f"env:{KEY_ENV}"] * 2
    approvals = [e for e in events if e["event"] == "step-end" and e["step"] == "approve"]
    assert approvals[0]["outcome"] == "failed"
    assert "approval" not in approvals[0]  # declined: the step failed, nothing was approved
    assert approvals[1]["approval"]["by"] == "local:alice"
    assert approvals[1]["approval"]["mode"] == "interactive (answered at the prompt)"
    assert approvals[1]["approval"]["at"].endswith("Z")


def test_on_aws_the_operator_is_the_callers_arn(env: Environment) -> None:
    result = failover(
        env.settings,
        env.provider,
        RunOptions(target="aws", runs_dir=env.runs_dir),
        to_region=STANDBY,
    )
    start = journal(env.runs_dir, result.run_id)[0]
    operator = start["provenance"]["operator"]
    assert operator["source"] == "sts"
    assert operator["id"].startswith("arn:aws:")  # moto's GetCallerIdentity
    assert operator["account"] == "123456789012"
    assert start["operator"] == operator["id"]
