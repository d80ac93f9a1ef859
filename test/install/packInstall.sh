#!/usr/bin/env bash
# Installs the packed initlab into a fresh project, as a user would, on a machine that reaches only
# the npm registry: onnxruntime-node's install step fails there, npm leaves the optional package
# out, and initlab must still run. Then runs `npx initlab study` and imports the library.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run build --silent
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm pack --silent --pack-destination "$work" > /dev/null
mkdir "$work/project"
cd "$work/project"
npm init -y > /dev/null
# a user's install: none of this repository's npm settings (npm run exports them as npm_config_*, and
# ours turns install scripts off), scripts on
for v in $(env | grep -o '^npm_config_[^=]*' || true); do unset "$v"; done
npm install --ignore-scripts=false --no-audit --no-fund --loglevel=error "$work"/initlab-*.tgz
out="$(npx --no-install initlab study --json)"
node -e 'const r = JSON.parse(process.argv[1]); if (r.exploding.stoppedAt !== 13) { console.error("study: exploding stopped at", r.exploding.stoppedAt); process.exit(1); }' "$out"
node --input-type=module -e '
import { resolveInitializer, rngStream } from "initlab";
const r = resolveInitializer("he_normal", { shape: [256, 128] });
if (Math.abs(r.variance - 2 / 256) > 1e-15) { console.error("import: he_normal variance", r.variance); process.exit(1); }
if (typeof rngStream(0, "x").nextUint32() !== "number") process.exit(1);
'
# initlab/tfjs with the tfjs the project resolves, on the pure-JS CPU backend
node --input-type=module -e '
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { initializer } from "initlab/tfjs";
tf.enableProdMode();
await tf.setBackend("cpu");
const layer = tfl.layers.dense({ units: 64, inputShape: [128], kernelInitializer: initializer("he_normal", { seed: 1 }) });
tfl.sequential({ layers: [layer] });
const w = await layer.getWeights()[0].data();
const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
if (Math.abs(std / Math.sqrt(2 / 128) - 1) > 0.05) { console.error("initlab/tfjs: he_normal std", std); process.exit(1); }
'
if [ -d node_modules/onnxruntime-node ]; then runtime="with onnxruntime-node"; else runtime="without onnxruntime-node (optional, not installable here)"; fi
echo "install test: npm install of the packed tarball, npx initlab study, import and initlab/tfjs all passed, $runtime"
