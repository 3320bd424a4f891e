#!/usr/bin/env bash
# The GPU benchmark on the device machine (no Node, no network): PyTorch CUDA half, then the tfjs-webgpu half from
# the bundle bench/gpu/buildBundle.mjs made (carried as bench/.gpu-bundle), then the ratio table. Writes probe.txt,
# torch.json, tfjs.json, table.md (and logs) under $OUT (default ./gpu-out). Each half has its own time limit, so
# one failing still leaves the other's figures. Extra arguments go to both halves (e.g. --models tiny --runs 3).
#
#   bash bench/gpu/device.sh [--models tiny,small] [--batches 1,16,64] [--step-batch 64] [--runs 5]
set -u
OUT=${OUT:-$PWD/gpu-out}; mkdir -p "$OUT"
PY=${PYTHON:-python3}
TORCH_LIMIT=${TORCH_LIMIT:-180}; TFJS_LIMIT=${TFJS_LIMIT:-300}
BUNDLE=bench/.gpu-bundle/gpu-bench.tar.gz
WORK=${TMPDIR:-/tmp}/gpu-bench-run
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}

probe() {
  echo "## system"; uname -a; ldd --version 2>&1 | head -1; nvidia-smi -L 2>&1
  echo "## torch"; "$PY" -c 'import torch; print(torch.__version__, torch.version.cuda, torch.cuda.is_available())' 2>&1
  echo "## vulkan ICDs"; ls /etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d 2>&1
  echo "## NVIDIA Vulkan driver library"; nvidia_glx || echo "libGLX_nvidia.so.0 not found"
  echo "## NVIDIA_DRIVER_CAPABILITIES=${NVIDIA_DRIVER_CAPABILITIES:-unset}"
}

# Path of libGLX_nvidia.so.0 (the NVIDIA Vulkan driver), if the container has it.
nvidia_glx() {
  local p; p=$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia.so.0/ {print $NF; exit}')
  [ -z "$p" ] && p=$(ls /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 /usr/lib64/libGLX_nvidia.so.0 /usr/local/nvidia/lib64/libGLX_nvidia.so.0 2>/dev/null | head -1)
  [ -n "$p" ] && echo "$p"
}

# Points the Vulkan loader at an NVIDIA ICD: the installed json, else one written for libGLX_nvidia.so.0.
vulkan_icd() {
  local j; j=$(ls /etc/vulkan/icd.d/nvidia_icd*.json /usr/share/vulkan/icd.d/nvidia_icd*.json 2>/dev/null | head -1)
  if [ -z "$j" ] && lib=$(nvidia_glx); then
    j=$WORK/nvidia_icd.json
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$lib" > "$j"
  fi
  [ -n "$j" ] && export VK_ICD_FILENAMES=$j && echo "VK_ICD_FILENAMES=$j"
}

# Sets NODE to a command that runs the bundled node and can load dawn.node: plain, else with glibc from the bundle.
pick_node() {
  local b=$WORK/gpu-bench check='import("webgpu").then(() => process.exit(0))'
  export LD_LIBRARY_PATH=$b/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  NODE=("$b/bin/node")
  (cd "$b" && "${NODE[@]}" --input-type=module -e "$check") && return 0
  echo "bundled node cannot load dawn.node with this system's libraries; using the bundle's glibc"
  NODE=("$b/lib-glibc/ld-linux-x86-64.so.2" --library-path "$b/lib-glibc:$b/lib" "$b/bin/node")
  (cd "$b" && "${NODE[@]}" --input-type=module -e "$check")
}

probe > "$OUT/probe.txt" 2>&1; cat "$OUT/probe.txt"

echo "## PyTorch CUDA half"
timeout "$TORCH_LIMIT" "$PY" tools/torch_gpu_bench.py --device cuda --out "$OUT/torch.json" "$@" > "$OUT/torch.log" 2>&1
echo "torch rc=$?"; tail -n 20 "$OUT/torch.log"

echo "## tfjs-webgpu half"
if [ ! -f "$BUNDLE" ]; then echo "no $BUNDLE: run 'node bench/gpu/buildBundle.mjs' here and carry bench/.gpu-bundle"; exit 1; fi
rm -rf "$WORK"; mkdir -p "$WORK"; tar -xzf "$BUNDLE" -C "$WORK"
vulkan_icd || echo "no NVIDIA Vulkan ICD found: Dawn will find no GPU adapter (see probe.txt)"
if pick_node; then
  (cd "$WORK/gpu-bench" && VK_LOADER_DEBUG=${VK_LOADER_DEBUG:-error} timeout "$TFJS_LIMIT" "${NODE[@]}" gpu-bench.mjs --out "$OUT/tfjs.json" "$@") > "$OUT/tfjs.log" 2>&1
  echo "tfjs rc=$?"; grep -v XDG_RUNTIME_DIR "$OUT/tfjs.log" | tail -n 20
  if [ -f "$OUT/torch.json" ] && [ -f "$OUT/tfjs.json" ]; then
    (cd "$WORK/gpu-bench" && "${NODE[@]}" gpu-combine.mjs "$OUT/tfjs.json" "$OUT/torch.json") | tee "$OUT/table.md"
  fi
else
  echo "the bundled node cannot load dawn.node even with the bundle's glibc: no tfjs figures"
fi
