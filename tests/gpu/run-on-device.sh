#!/usr/bin/env bash
# Device run for issue #11 (one H100/H200, 16 cores): builds the engine, the conformance suites,
# nnlens-cli and bench_cuda_grid for sm_90 only (no GUI targets), runs the CUDA and CPU suites,
# then `nnlens-cli bench --large` on both backends and bench_cuda_grid (grid kernel time and GB/s
# apart from the copy to the host; training with one host round trip per call).
# Leaves at most 7 files in $OUT (default /tmp/nnlens-device): env.txt, run.log, build.log,
# tests.log, bench-cuda.json, bench-cpu.json, bench-cuda-grid.json. Every stage has a time limit,
# so the whole run stays near 6 minutes at worst.
# The device image has CUDA, CMake and a compiler but no Qt, Eigen or nlohmann_json: run
# tests/gpu/fetch-device-deps.sh here first and carry build/devdeps.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp/nnlens-device}
mkdir -p "$out"
: > "$out/run.log"
: > "$out/tests.log"
build=build/device
deps=${NNLENS_DEPS_PREFIX:-/opt/nnlens-deps}
start=$SECONDS
log() { echo "[$((SECONDS - start)) s] $*" | tee -a "$out/run.log"; }

{
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv
  nvcc --version | tail -2
  cmake --version | head -1
  c++ --version | head -1
  echo "cores: $(nproc)"
} > "$out/env.txt" 2>&1

args=(-DCMAKE_BUILD_TYPE=Release -DNNLENS_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 -DNNLENS_WERROR=OFF)
# Ninja where there is one, unless an earlier run already chose the generator of $build.
[[ ! -f $build/CMakeCache.txt ]] && command -v ninja > /dev/null && args+=(-G Ninja)
if compgen -G "build/devdeps/*.deb" > /dev/null; then
  # Unpacked into a prefix (never into /). Only the libraries the image lacks go on
  # LD_LIBRARY_PATH, so CMake, nvcc and the compiler keep loading their own.
  log "unpacking $(ls build/devdeps/*.deb | wc -l) carried packages into $deps"
  mkdir -p "$deps/runtime"
  for f in build/devdeps/*.deb; do dpkg-deb -x "$f" "$deps"; done
  lib=$deps/usr/lib/x86_64-linux-gnu
  known=$(ldconfig -p | awk 'NR > 1 { print $1 }')
  for so in "$lib"/lib*.so.*; do
    name=$(basename "$so")
    [[ $name =~ \.so\.[0-9]+$ ]] || continue  # sonames only: what the loader looks for
    grep -qxF "$name" <<< "$known" || ln -sf "$so" "$deps/runtime/$name"
  done
  export LD_LIBRARY_PATH=$deps/runtime${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export QT_PLUGIN_PATH=$lib/qt6/plugins
  args+=(-DCMAKE_PREFIX_PATH="$deps/usr" -DOpenGL_GL_PREFERENCE=GLVND
         -DCMAKE_EXE_LINKER_FLAGS="-Wl,-rpath-link,$lib"
         -DCMAKE_SHARED_LINKER_FLAGS="-Wl,-rpath-link,$lib")
fi

log "configure (sm_90)"
if ! timeout 120 cmake -S . -B "$build" "${args[@]}" > "$out/build.log" 2>&1; then
  log "configure failed"; tail -40 "$out/build.log"; exit 1
fi
targets=(nnlens-cli tst_cuda_launch tst_cuda_detect tst_cuda_backend tst_backend_conformance
         tst_fallback_backend bench_cuda_grid)
log "build ${targets[*]}"
if ! timeout 300 cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >> "$out/build.log" 2>&1; then
  log "build failed"; grep -E "error|Error" "$out/build.log" | head -40; exit 1
fi

find_bin() { find "$build" -name "$1" -type f -executable | head -1; }
status=0
for t in tst_cuda_detect tst_cuda_launch tst_cuda_backend tst_backend_conformance tst_fallback_backend; do
  log "test $t"
  QT_QPA_PLATFORM=offscreen timeout 120 "$(find_bin "$t")" >> "$out/tests.log" 2>&1 || status=1
done
grep -E "^(FAIL|SKIP|Totals)" "$out/tests.log" | tee -a "$out/run.log"

cli=$(find_bin nnlens-cli)
log "nnlens-cli bench --large --backend cuda"
timeout 120 "$cli" bench --large --backend cuda -o "$out/bench-cuda.json" 2>&1 | tee -a "$out/run.log" || status=1
log "nnlens-cli bench --large --backend cpu"
timeout 120 "$cli" bench --large --backend cpu -o "$out/bench-cpu.json" 2>&1 | tee -a "$out/run.log" || status=1
log "bench_cuda_grid --n 2048"
timeout 90 "$(find_bin bench_cuda_grid)" --n 2048 --runs 5 > "$out/bench-cuda-grid.json" 2>> "$out/run.log" || status=1
cat "$out/bench-cuda-grid.json"
log "done (status $status)"
exit "$status"
