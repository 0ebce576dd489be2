// Times the benchmark workloads' .wasm under node (V8) for bench_engine, which
// spawns it in the same invocation so both engines see the same machine state.
// usage: node run_node.mjs WASM_DIR RUNS NAME=N...
// Prints one line per workload: "NAME WALL_MS CPU_MS CHECKSUM", the medians of
// wall-clock and process CPU time (checksum unsigned).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, runsText, ...specs] = process.argv.slice(2);
const runs = Number.parseInt(runsText, 10);
if (!dir || !(runs > 0) || specs.length === 0) {
  console.error('usage: node run_node.mjs WASM_DIR RUNS NAME=N...');
  process.exit(2);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

for (const spec of specs) {
  const [name, nText] = spec.split('=');
  const n = Number.parseInt(nText, 10);
  const bytes = readFileSync(join(dir, `bench_${name}.wasm`));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  const run = instance.exports.run;
  // One untimed call first, as for airwasm and native: it also lets V8 tier
  // up from its baseline compiler.
  const expected = run(n) >>> 0;
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const checksum = run(n) >>> 0;
    const end = process.hrtime.bigint();
    const cpuUsed = process.cpuUsage(cpuStart);
    if (checksum !== expected) {
      console.error(`${name}: checksum changed between runs: ${expected} then ${checksum}`);
      process.exit(1);
    }
    wall.push(Number(end - start) / 1e6);
    cpu.push((cpuUsed.user + cpuUsed.system) / 1e3);
  }
  console.log(`${name} ${median(wall).toFixed(3)} ${median(cpu).toFixed(3)} ${expected}`);
}
