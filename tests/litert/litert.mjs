// LiteRT (TFLite's runtime: WebAssembly + XNNPACK, single thread) under Node, as the oracle for
// mobilevk's integer path. LiteRT.js is made for browsers: its loader fetches its Emscripten glue
// with importScripts() into a worker's global scope, which is given here with vm.runInThisContext
// and the few globals the glue expects of Node (require, __dirname, __filename).
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

const require_ = createRequire(import.meta.url);

let liteRt = null;

async function load() {
  if (liteRt) return liteRt;
  const wasmDir = path.join(path.dirname(require_.resolve('@litertjs/core/package.json')), 'wasm');
  globalThis.self = globalThis;
  globalThis.require = require_;
  globalThis.__dirname = wasmDir;
  globalThis.importScripts = (url) => {
    const file = String(url).startsWith('file:') ? fileURLToPath(url) : String(url);
    globalThis.__filename = file;
    vm.runInThisContext(fs.readFileSync(file, 'utf8'), {filename: file});
  };
  // LiteRT logs its set-up (and a failed WebGPU probe) to the console; the oracle's stdout is data.
  const log = console.log, warn = console.warn, error = console.error;
  console.log = console.warn = console.error = () => {};
  try {
    liteRt = await import('@litertjs/core');
    await liteRt.loadLiteRt(wasmDir + '/');
  } finally {
    console.log = log;
    console.warn = warn;
    console.error = error;
  }
  return liteRt;
}

// A compiled .tflite on LiteRT's CPU (XNNPACK) path.
export async function compile(modelPath) {
  const lr = await load();
  const model = await lr.loadAndCompile(new Uint8Array(fs.readFileSync(modelPath)), {accelerator: 'wasm'});
  const input = model.getInputDetails()[0];
  return {
    input,
    output: model.getOutputDetails()[0],
    // Runs one input (a typed array of the input's dtype and element count); returns the output's
    // typed array and the run time in ms.
    async run(data) {
      const t = new lr.Tensor(data, Object.values(input.shape));
      const t0 = performance.now();
      const outs = await model.run(t);
      const ms = performance.now() - t0;
      const out = outs[0].toTypedArray().slice();
      t.delete();
      for (const o of outs) o.delete();
      return {out, ms};
    },
  };
}

// .npy reading and writing for the dtypes the comparison uses ('|u1', '|i1', '<f4').
export function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not a .npy file`);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').filter((s) => s.trim()).map(Number);
  const body = buf.subarray(10 + headerLen);
  const copy = new Uint8Array(body).buffer;
  const data = descr === '|u1' ? new Uint8Array(copy) : descr === '|i1' ? new Int8Array(copy)
             : descr === '<f4' ? new Float32Array(copy) : null;
  if (!data) throw new Error(`${file}: dtype ${descr} is not one the comparison reads`);
  return {shape, data};
}
