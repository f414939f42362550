"""Every example in docs/protocol.md is valid for the model it names."""
import importlib
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def test_every_protocol_example_validates():
    examples = re.findall(r"<!-- model: ([\w.]+) -->\n```json\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(examples) >= 6
    for dotted, body in examples:
        module, name = dotted.rsplit(".", 1)
        model = getattr(importlib.import_module(module), name)
        model.model_validate_json(body)


def test_manifest_example_version_matches_its_content():
    from protocol.manifest import Manifest, manifest_version

    body = re.search(r"<!-- model: protocol.manifest.Manifest -->\n```json\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    manifest = Manifest.model_validate_json(body)
    assert manifest.version == manifest_version(manifest)


def test_heartbeat_example_hash_chains():
    from protocol.heartbeat import HeartbeatBatch, heartbeat_hash

    body = re.search(r"<!-- model: protocol.heartbeat.HeartbeatBatch -->\n```json\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    hb = HeartbeatBatch.model_validate_json(body).heartbeats[0]
    assert hb.hash == heartbeat_hash(hb)


def test_a_board_reads_a_newer_managers_manifest():
    """Fields a later manager adds, at any level of the manifest, are ignored by today's board rather than refused."""
    import json

    from protocol.manifest import Manifest

    body = json.loads(re.search(r"<!-- model: protocol.manifest.Manifest -->\n```json\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.S).group(1))
    newer = json.loads(json.dumps(body))
    newer["future_field"] = {"anything": 1}
    newer["board"]["future_field"] = 1
    for playlist in newer["playlists"].values():
        playlist["future_field"] = 1
        for item in playlist["items"]:
            item["future_field"] = "x"
    for rule in newer["schedule"]:
        rule["future_field"] = 1
        for window in rule.get("windows", []):
            window["future_field"] = 1
    for asset in newer["assets"].values():
        asset["future_field"] = 1
    for alert in newer["alerts"]:
        alert["future_field"] = 1
    assert Manifest.model_validate(newer) == Manifest.model_validate(body)
