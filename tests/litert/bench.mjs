// Same-run speed comparison on one quantized model: mobilevk's integer path, its float path, and
// LiteRT (WebAssembly + XNNPACK, single thread). A benchmark, not a test: it asserts nothing.
// Usage: node bench.mjs MOBILEVK_BINARY MODEL.tflite [ITERATIONS] [--device gpu|cpu|INDEX]
import {execFileSync} from 'node:child_process';
import {compile} from './litert.mjs';

const args = process.argv.slice(2);
const deviceAt = args.indexOf('--device');
const device = deviceAt >= 0 ? args.splice(deviceAt, 2)[1] : 'gpu';
const [binary, model, iterationsText] = args;
if (!binary || !model) {
  console.error('usage: node bench.mjs MOBILEVK_BINARY MODEL.tflite [ITERATIONS] [--device gpu|cpu|INDEX]');
  process.exit(2);
}
const iterations = Number(iterationsText || 20);
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

function mobilevk(execution) {
  const out = JSON.parse(execFileSync(binary, ['bench', '--model', model, '--execution', execution, '--device', device,
                                               '--iterations', String(iterations), '--json'], {encoding: 'utf8'}));
  return {device: out.device, host: out.host_ms.median, gpu: out.gpu_ms ? out.gpu_ms.median : null};
}

const rows = [];
// Interleaved rounds, so that load from other processes on a shared machine hits all three alike.
const litert = await compile(model);
const input = new Uint8Array(Object.values(litert.input.shape).reduce((a, b) => a * b, 1)).map((_, i) => (i * 37) % 251);
for (let i = 0; i < 3; ++i) await litert.run(input);
const samples = {integer: [], float: [], litert: []};
let deviceName = '';
for (let round = 0; round < 3; ++round) {
  const i = mobilevk('integer'), f = mobilevk('float');
  deviceName = i.device;
  samples.integer.push(i.host);
  samples.float.push(f.host);
  const t = [];
  for (let k = 0; k < iterations; ++k) t.push((await litert.run(input)).ms);
  samples.litert.push(median(t));
}
const integer = median(samples.integer), float = median(samples.float), lite = median(samples.litert);
console.log(`${model}, ${iterations} iterations x 3 interleaved rounds, medians (host end-to-end ms per image)`);
console.log(`  mobilevk integer (${deviceName}) ${integer.toFixed(2)} ms`);
console.log(`  mobilevk float   (${deviceName}) ${float.toFixed(2)} ms   integer speed / float speed ${(float / integer).toFixed(2)}`);
console.log(`  LiteRT WASM XNNPACK, 1 thread   ${lite.toFixed(2)} ms   integer speed / LiteRT speed ${(lite / integer).toFixed(2)}`);
