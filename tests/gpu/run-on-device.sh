#!/usr/bin/env bash
# Device run: build with CUDA, run the CUDA tests, then the benchmarks on both backends (JSON).
# Meant for a machine with an NVIDIA GPU and nvcc (the device tool's); prints everything to stdout
# and, when $OUT is set, leaves bench-cuda.json, bench-cpu.json and test logs there.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp/nnlens-device}
mkdir -p "$out"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 | tee "$out/gpu.txt"
cmake -S . -B build/device -DCMAKE_BUILD_TYPE=Release -DNNLENS_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
  > "$out/configure.log" 2>&1 || { tail -30 "$out/configure.log"; exit 1; }
cmake --build build/device -j"$(nproc)" --target nnlens-cli tst_cuda_backend tst_cuda_detect tst_backend_conformance \
  > "$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }
for t in tst_cuda_detect tst_cuda_backend tst_backend_conformance; do
  bin=$(find build/device/tests -name "$t" -type f -executable | head -1)
  QT_QPA_PLATFORM=offscreen "$bin" 2>&1 | tee "$out/$t.log" | grep -E "^(FAIL|SKIP|Totals)"
done
cli=build/device/app/cli/nnlens-cli
echo "--- bench cuda"; "$cli" bench --backend cuda --large -o "$out/bench-cuda.json"; cat "$out/bench-cuda.json"
echo "--- bench cpu";  "$cli" bench --backend cpu --large -o "$out/bench-cpu.json";  cat "$out/bench-cpu.json"
