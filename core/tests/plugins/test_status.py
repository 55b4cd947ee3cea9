"""The conformance status record that `voxpipe plugins list` shows."""

from __future__ import annotations

from voxpipe.plugins.status import describe_status, read_conformance_status, write_conformance_status


def test_status_round_trips_per_distribution_and_version(tmp_path, monkeypatch):
    monkeypatch.setenv("VOXPIPE_CACHE_DIR", str(tmp_path))
    assert read_conformance_status("voxpipe-acme", "1.0") is None
    write_conformance_status("voxpipe-acme", "1.0", {"ok": True, "counts": {"pass": 12, "skip": 5}})
    assert read_conformance_status("voxpipe-acme", "1.0")["ok"] is True
    assert read_conformance_status("voxpipe-acme", "1.1") is None  # an upgrade is "not run" again


def test_describe_status():
    assert describe_status(None) == "not run"
    assert describe_status({"ok": True, "counts": {"pass": 12, "skip": 5}}) == "12 pass, 5 skip"
    assert describe_status({"ok": True, "counts": {"pass": 4}}) == "4 pass"
    assert describe_status({"ok": False, "counts": {"pass": 10, "fail": 2}}) == "FAIL 2, 10 pass"


def test_unreadable_status_is_not_run(tmp_path, monkeypatch):
    monkeypatch.setenv("VOXPIPE_CACHE_DIR", str(tmp_path))
    path = write_conformance_status("voxpipe-acme", "1.0", {"ok": True})
    path.write_text("{not json")
    assert read_conformance_status("voxpipe-acme", "1.0") is None
