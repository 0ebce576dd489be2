// Checks built components with the Component Model's own tooling (wasm-tools,
// as shipped in jco): each must embed wit/airwasm.wit's world and become a
// component with the WASI preview1 reactor adapter; a module with a wrong
// core signature must be refused.
// usage: node cm_validate.mjs <jco dir> <airwasm.wit> <component list file> <bad.wasm>
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [jcoDir, witFile, listFile, badModule] = process.argv.slice(2);
const jco = path.join(jcoDir, 'node_modules/@bytecodealliance/jco');
const { componentEmbed, componentNew } = await import(pathToFileURL(path.join(jco, 'dist/api.js')));
const adapter = fs.readFileSync(path.join(jco, 'lib/wasi_snapshot_preview1.reactor.wasm'));
const wit = fs.readFileSync(witFile, 'utf8');

async function toComponent(file) {
  const embedded = await componentEmbed({ binary: fs.readFileSync(file), witSource: wit, world: 'component' });
  return componentNew(embedded, [['wasi_snapshot_preview1', adapter]]);
}

let failures = 0;
const files = fs.readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
if (files.length < 8) { console.log(`only ${files.length} components listed`); failures++; }
for (const file of files) {
  try {
    const bytes = await toComponent(file);
    console.log(`ok   ${path.basename(file)}: component of ${bytes.length} bytes`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${file}: ${e.message ?? e}`);
  }
}
try {
  await toComponent(badModule);
  failures++;
  console.log(`FAIL ${badModule} was accepted`);
} catch (e) {
  const ok = /type mismatch for function `send-message`/.test(String(e.message ?? e));
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${path.basename(badModule)} refused: ${String(e.message ?? e).split('\n').pop().trim()}`);
}
process.exit(failures ? 1 : 0);
