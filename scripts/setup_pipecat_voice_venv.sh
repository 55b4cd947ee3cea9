#!/usr/bin/env bash
# Set up .bench/pipecat-venv: pipecat-ai 1.14.0 plus the model runtimes of the
# offline voice bot that scripts/bench_voice_latency_pipecat.py measures
# (Silero VAD and smart-turn v3 on onnxruntime, faster-whisper, piper-tts, and
# the OpenAI client pipecat's OpenAILLMService talks to the local LLM with).
#
#     bash scripts/setup_pipecat_voice_venv.sh
#
# Idempotent: a venv that already has these exact versions is left alone (no
# registry traffic). No torch: pipecat's "local-smart-turn" extra would pull
# torch/transformers, but LocalSmartTurnAnalyzerV3 only needs onnxruntime,
# numpy and soxr (core dependencies), so that extra is not installed.
# No models are downloaded: the benchmark passes local model paths.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${PIPECAT_VENV:-$REPO/.bench/pipecat-venv}"
PYTHON="${PYTHON:-python3.11}"

# Pinned to what was installed and measured.
PINS=(
  "pipecat-ai[silero,whisper,piper,openai]==1.14.0"
  "onnxruntime==1.32.0"
  "faster-whisper==1.2.1"
  "ctranslate2==4.8.5"
  "tokenizers==0.23.3"
  "av==18.1.0"
  "piper-tts==1.8.0"
  "openai==3.57.0"
  "httpx==0.28.1"
  "requests==2.34.2"
  "numpy==2.4.6"
  "soxr==1.0.0"
)

if [ ! -x "$VENV/bin/python" ]; then
  echo "creating $VENV with $PYTHON"
  mkdir -p "$(dirname "$VENV")"
  "$PYTHON" -m venv "$VENV"
fi

have_all() {
  "$VENV/bin/python" - "${PINS[@]}" <<'EOF'
import re, sys
from importlib.metadata import version, PackageNotFoundError
for spec in sys.argv[1:]:
    name, want = re.sub(r"\[.*\]", "", spec).split("==")
    try:
        if version(name) != want:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
EOF
}

if have_all; then
  echo "pipecat voice venv up to date: $VENV"
else
  "$VENV/bin/pip" install --disable-pip-version-check -q "${PINS[@]}"
fi

# Refuse a venv that drags torch in (it would change what is being measured).
if "$VENV/bin/python" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)"; then
  echo "error: torch is installed in $VENV; this benchmark expects an onnxruntime-only venv" >&2
  exit 1
fi

# Smoke-import what the benchmark uses.
"$VENV/bin/python" - <<'EOF'
import faster_whisper, piper, onnxruntime, openai  # noqa: F401
from pipecat.audio.vad.silero import SileroVADAnalyzer  # noqa: F401
from pipecat.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3  # noqa: F401
from pipecat.services.whisper.stt import WhisperSTTService  # noqa: F401
from pipecat.services.piper.tts import PiperTTSService  # noqa: F401
from pipecat.services.openai.llm import OpenAILLMService  # noqa: F401
from importlib.metadata import version
print("ok: " + ", ".join(f"{n} {version(n)}" for n in
      ("pipecat-ai", "onnxruntime", "faster-whisper", "ctranslate2", "piper-tts", "openai")))
EOF
