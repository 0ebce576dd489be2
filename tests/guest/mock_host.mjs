// A stand-in host in JavaScript (Node's WebAssembly) that runs the built
// components against docs/component-abi.md until the C runtime can: it lifts
// and lowers exactly as that page says (checking alignment, bounds,
// discriminants and UTF-8, trapping the guest otherwise), routes casts,
// requests, callbacks, synchronous calls and topics through one FIFO queue,
// and restarts a component that traps. The scenarios at the bottom assert
// what the SDK and the example components do.
// usage: node mock_host.mjs <AW_WASM_OUT>
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const HOST = 'airwasm:component/host@0.1.0';
const LIFE = 'airwasm:component/lifecycle@0.1.0#';
const POST = 'cabi_post_' + LIFE;
const SEND_ERR = { unknownTarget: 0, denied: 1, badCodec: 4 };
const REQ_ERR = { targetCrashed: 2, targetError: 3, unknownTarget: 4, denied: 5 };
const CODECS = { raw: 0x55, cbor: 0x51, json: 0x0200, messagepack: 0x0201, protobuf: 0x50 };

class Trap extends Error {}
const trapIf = (cond, what) => { if (cond) throw new Trap(what); };
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function uvarint(v) {
  const out = [];
  for (; v >= 0x80; v = Math.floor(v / 128)) out.push((v & 0x7f) | 0x80);
  out.push(v);
  return out;
}
function splitCodec(bytes) {
  let v = 0;
  for (let i = 0; i < bytes.length && i < 9; i++) {
    v += (bytes[i] & 0x7f) * 2 ** (7 * i);
    if (!(bytes[i] & 0x80)) return { codec: v, body: bytes.subarray(i + 1) };
  }
  return null;
}
const prefixed = (codec, text) => Uint8Array.from([...uvarint(codec), ...utf8.encode(text)]);
const bodyText = (bytes) => new TextDecoder().decode(splitCodec(bytes).body);

// '*' matches one dot-separated segment, '>' one or more trailing segments.
function topicMatches(pattern, topic) {
  const p = pattern.split('.'), t = topic.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return t.length > i;
    if (i >= t.length || (p[i] !== '*' && p[i] !== t[i])) return false;
  }
  return p.length === t.length;
}

// One live instance of a component, with the canonical-ABI plumbing.
class Component {
  constructor(rt, id, module, accepts) {
    Object.assign(this, { rt, id, module, accepts, busy: false, restarts: 0 });
    this.stdout = '';
  }

  start() {
    const imports = { [HOST]: this.hostImports(), wasi_snapshot_preview1: this.wasiImports() };
    for (const imp of WebAssembly.Module.imports(this.module))
      if (!imports[imp.module]?.[imp.name]) throw new Error(`${this.id}: unresolved ${imp.module}.${imp.name}`);
    this.ex = new WebAssembly.Instance(this.module, imports).exports;
    if (this.ex._initialize) this.ex._initialize();
    if (this.ex[LIFE + 'init']) {
      const r = this.lift12('init', this.ex[LIFE + 'init'](), 1);
      if (r.disc === 1) throw new Error(`${this.id}: init failed: ${r.text}`);
    }
  }

  get u8() { return new Uint8Array(this.ex.memory.buffer); }
  get dv() { return new DataView(this.ex.memory.buffer); }
  checkRange(ptr, len, align) {
    trapIf(ptr % align !== 0, `pointer ${ptr} not aligned to ${align}`);
    trapIf(ptr + len > this.ex.memory.buffer.byteLength, `[${ptr}, +${len}) out of bounds`);
  }
  read(ptr, len) { this.checkRange(ptr, len, 1); return this.u8.slice(ptr, ptr + len); }
  readString(ptr, len) {
    try { return strictUtf8.decode(this.read(ptr, len)); } catch (e) {
      if (e instanceof Trap) throw e;
      throw new Trap('invalid UTF-8');
    }
  }
  // Lowers bytes into guest memory with its cabi_realloc; the guest owns them.
  lower(bytes) {
    const p = this.ex.cabi_realloc(0, 0, 1, bytes.length) >>> 0;
    this.checkRange(p, bytes.length, 1);
    this.u8.set(bytes, p);
    this.rt.reallocs++;
    return [p, bytes.length];
  }
  // Lifts a 12-byte {disc u8, ptr u32 @4, len u32 @8} result; text for the
  // cases that carry a string, bytes for a list.
  lift12(func, ret, maxDisc, textCases = [1, 2], bytesCase = -1) {
    ret >>>= 0;
    this.checkRange(ret, 12, 4);
    const dv = this.dv, disc = dv.getUint8(ret);
    trapIf(disc > maxDisc, `${func}: discriminant ${disc}`);
    const out = { disc };
    const ptr = dv.getUint32(ret + 4, true), len = dv.getUint32(ret + 8, true);
    if (disc === bytesCase) out.bytes = this.read(ptr, len);
    else if (textCases.includes(disc)) out.text = this.readString(ptr, len);
    if (this.ex[POST + func]) this.ex[POST + func](ret);
    return out;
  }

  handleMessage(sender, payload) {
    const [sp, sl] = this.lower(utf8.encode(sender));
    const [pp, pl] = this.lower(payload);
    const r = this.lift12('handle-message', this.ex[LIFE + 'handle-message'](sp, sl, pp, pl), 1, [1], 0);
    return r.disc === 0 ? { ok: r.bytes } : { err: r.text };
  }
  handleCallback(id, result) {
    const f = this.ex[LIFE + 'handle-callback'];
    if (!f) return;
    if (result.ok) { const [p, l] = this.lower(result.ok); f(id, 0, p, l); } else f(id, 1, result.err, 0);
  }
  health() {
    const r = this.lift12('health', this.ex[LIFE + 'health'](), 2);
    return { state: ['healthy', 'degraded', 'unhealthy'][r.disc], reason: r.text };
  }

  retArea(ret, size, align) { ret >>>= 0; this.checkRange(ret, size, align); return ret; }
  writeSendResult(ret, err) {
    ret = this.retArea(ret, 2, 1);
    this.dv.setUint8(ret, err === undefined ? 0 : 1);
    if (err !== undefined) this.dv.setUint8(ret + 1, err);
  }
  hostImports() {
    const rt = this.rt;
    return {
      'self-id': (ret) => {
        ret = this.retArea(ret, 8, 4);
        const [p, l] = this.lower(utf8.encode(this.id));
        this.dv.setUint32(ret, p, true); this.dv.setUint32(ret + 4, l, true);
      },
      'send-message': (tp, tl, pp, pl, ret) =>
        this.writeSendResult(ret, rt.send(this.id, this.readString(tp, tl), this.read(pp, pl))),
      'send-request': (tp, tl, pp, pl, timeout, ret) => {
        ret = this.retArea(ret, 16, 8);
        const r = rt.request(this.id, this.readString(tp, tl), this.read(pp, pl));
        this.dv.setUint8(ret, r.err === undefined ? 0 : 1);
        if (r.err === undefined) this.dv.setBigUint64(ret + 8, r.id, true);
        else this.dv.setUint8(ret + 8, r.err);
      },
      'cancel-request': (id) => (rt.pending.delete(id) ? 1 : 0),
      call: (tp, tl, pp, pl, timeout, ret) => {
        ret = this.retArea(ret, 12, 4);
        const r = rt.call(this.id, this.readString(tp, tl), this.read(pp, pl));
        if (r.ok) {
          const [p, l] = this.lower(r.ok);
          this.dv.setUint8(ret, 0); this.dv.setUint32(ret + 4, p, true); this.dv.setUint32(ret + 8, l, true);
        } else { this.dv.setUint8(ret, 1); this.dv.setUint8(ret + 4, r.err); }
      },
      publish: (tp, tl, pp, pl, ret) =>
        this.writeSendResult(ret, rt.publish(this.id, this.readString(tp, tl), this.read(pp, pl))),
      subscribe: (tp, tl, ret) => {
        rt.subscriptions.push({ id: this.id, pattern: this.readString(tp, tl) });
        this.writeSendResult(ret, undefined);
      },
      log: (level, mp, ml) => {
        trapIf(level > 4, `log level ${level}`);
        rt.logs.push(`${this.id} ${['trace', 'debug', 'info', 'warn', 'error'][level]}: ${this.readString(mp, ml)}`);
      },
      'now-millis': () => BigInt(Date.now()),
    };
  }
  wasiImports() {
    const ENOSYS = 52, EBADF = 8, ESPIPE = 70;
    const wasi = {
      fd_write: (fd, iovs, n, nwritten) => {
        if (fd !== 1 && fd !== 2) return EBADF;
        let total = 0;
        for (let i = 0; i < n; i++) {
          const p = this.dv.getUint32(iovs + 8 * i, true), l = this.dv.getUint32(iovs + 8 * i + 4, true);
          this.stdout += new TextDecoder().decode(this.read(p, l));
          total += l;
        }
        const lines = this.stdout.split('\n');
        this.stdout = lines.pop();
        for (const line of lines) this.rt.stdout.push(`${this.id}: ${line}`);
        this.dv.setUint32(nwritten, total, true);
        return 0;
      },
      fd_fdstat_get: (fd, buf) => {
        if (fd > 2) return EBADF;
        this.u8.fill(0, buf, buf + 24);
        this.dv.setUint8(buf, 2); // character device
        return 0;
      },
      fd_seek: () => ESPIPE,
      fd_close: () => 0,
      proc_exit: (code) => { throw new Trap(`proc_exit(${code})`); },
    };
    return new Proxy(wasi, { get: (t, k) => t[k] ?? (() => ENOSYS) });
  }
}

class Runtime {
  constructor() {
    Object.assign(this, { components: new Map(), queue: [], pending: new Map(), subscriptions: [],
      logs: [], stdout: [], deadLetters: [], nextId: 1n, reallocs: 0, replies: new Map() });
  }
  add(id, wasmPath, accepts = Object.keys(CODECS)) {
    const c = new Component(this, id, new WebAssembly.Module(fs.readFileSync(wasmPath)),
      accepts.map((a) => CODECS[a]));
    this.components.set(id, c);
    c.start();
    return c;
  }
  check(target, payload) {
    const c = this.components.get(target);
    if (!c) return { err: 'unknownTarget' };
    const split = splitCodec(payload);
    if (!split || !c.accepts.includes(split.codec)) return { err: 'badCodec' };
    return { c };
  }
  send(from, target, payload) {
    const r = this.check(target, payload);
    if (r.err) return SEND_ERR[r.err];
    this.queue.push({ kind: 'cast', from, to: target, payload });
  }
  request(from, target, payload) {
    const r = this.check(target, payload);
    if (r.err) return { err: SEND_ERR[r.err] };
    const id = this.nextId++;
    this.pending.set(id, from);
    this.queue.push({ kind: 'request', from, to: target, payload, id });
    return { id };
  }
  call(from, target, payload) {
    const r = this.check(target, payload);
    if (r.err) return { err: r.err === 'unknownTarget' ? REQ_ERR.unknownTarget : REQ_ERR.denied };
    assert.equal(r.c.busy, false, `${from} calls ${target}, which is busy: the mock cannot wait`);
    const out = this.run(r.c, from, payload);
    return out.crashed ? { err: REQ_ERR.targetCrashed } : out.ok ? { ok: out.ok } : { err: REQ_ERR.targetError };
  }
  publish(from, topic, payload) {
    const split = splitCodec(payload);
    for (const s of this.subscriptions)
      if (topicMatches(s.pattern, topic) && split && this.components.get(s.id).accepts.includes(split.codec))
        this.queue.push({ kind: 'cast', from, to: s.id, payload });
  }
  // Runs one export on c; a trap restarts the component with a fresh instance.
  guarded(c, what, fn) {
    c.busy = true;
    try { return fn(); } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError || e instanceof Trap)) throw e;
      this.deadLetters.push({ to: c.id, what, reason: e.message });
      c.restarts++;
      c.start();
      return { crashed: true };
    } finally { c.busy = false; }
  }
  run(c, from, payload) { return this.guarded(c, bodyText(payload), () => c.handleMessage(from, payload)); }
  // Delivers queued messages until none is left.
  drain() {
    for (let n = 0; this.queue.length; n++) {
      assert.ok(n < 100000, 'message loop');
      const m = this.queue.shift();
      const c = this.components.get(m.to);
      if (m.kind === 'callback') { this.guarded(c, 'callback', () => c.handleCallback(m.id, m.result)); continue; }
      const out = this.run(c, m.from, m.payload);
      if (m.kind !== 'request' || !this.pending.has(m.id)) continue;
      const requester = this.pending.get(m.id);
      this.pending.delete(m.id);
      const result = out.crashed ? { err: REQ_ERR.targetCrashed } : out.ok ? { ok: out.ok } : { err: REQ_ERR.targetError };
      if (this.components.has(requester)) this.queue.push({ kind: 'callback', to: requester, id: m.id, result });
      else this.replies.set(m.id, result);
    }
  }
  // A request from outside (the host): its response is kept in replies.
  ask(target, payload) {
    const r = this.request('host', target, payload);
    assert.equal(r.err, undefined, `ask ${target}`);
    this.drain();
    return this.replies.get(r.id);
  }
}

// Minimal readers for our own files: key = "..." / '...' / [..] lines.
function tomlBlocks(text, header) {
  const blocks = [];
  let cur = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) { cur = line === header ? {} : null; if (cur) blocks.push(cur); continue; }
    const m = cur && line.match(/^([\w-]+)\s*=\s*(.*)$/);
    if (m) cur[m[1]] = m[2].startsWith('[') ? [...m[2].matchAll(/"([^"]*)"/g)].map((x) => x[1])
      : m[2].replace(/^["']|["']$/g, '');
  }
  return blocks;
}

const wasmDir = process.argv[2];
let failures = 0;
function scenario(name, fn) {
  try { fn(); console.log(`ok   ${name}`); } catch (e) {
    failures++;
    console.log(`FAIL ${name}\n${e.stack}`);
  }
}
const json = (t) => prefixed(CODECS.json, t);

scenario('echo: bytes round trip, empty and 1 MiB payloads, no leak', () => {
  const rt = new Runtime();
  const echo = rt.add('echo', path.join(wasmDir, 'guest/sdk_minimal.wasm'));
  for (const p of [new Uint8Array(), json('{"a":1}'), new Uint8Array(1 << 20).fill(7)])
    assert.deepEqual(echo.handleMessage('host', p).ok, p);
  const before = echo.ex.memory.buffer.byteLength;
  const big = new Uint8Array(4096).fill(1);
  for (let i = 0; i < 20000; i++) echo.handleMessage('a-sender-with-a-long-name', big);
  // 20,000 leaked 4 KiB arguments would need more than 1,000 pages.
  assert.equal(echo.ex.memory.buffer.byteLength, before, 'memory grew: arguments leak');
  assert.deepEqual(echo.handleMessage('', big).ok, big);
  // The lifecycle functions it does not define answer with the defaults.
  assert.deepEqual(echo.health(), { state: 'healthy', reason: undefined });
  echo.handleCallback(5n, { ok: json('{"late":true}') });
  echo.handleCallback(6n, { err: REQ_ERR.targetCrashed });
  echo.ex[LIFE + 'shutdown']();
  assert.throws(() => echo.ex[LIFE + 'handle-callback'](7n, 2, 0, 0), WebAssembly.RuntimeError);
});

scenario('sdk_full: every import and export through the SDK', () => {
  const rt = new Runtime();
  rt.add('peer', path.join(wasmDir, 'guest/sdk_minimal.wasm'));
  const full = rt.add('sdk', path.join(wasmDir, 'guest/sdk_full.wasm'));
  assert.deepEqual(rt.subscriptions, [{ id: 'sdk', pattern: 'sdk.>' }]);
  assert.deepEqual(full.health(), { state: 'degraded', reason: 'no message yet' });
  const reply = rt.ask('sdk', json('{"hello":1}'));
  // sdk_full calls peer (an echo) and answers with peer's response.
  assert.equal(bodyText(reply.ok), '{"q":1}');
  assert.ok(rt.stdout.includes('sdk: sdk got 13 bytes from host'), rt.stdout.join('\n'));
  assert.ok(rt.logs.some((l) => /^sdk info: at \d{13}$/.test(l)), rt.logs.join('\n'));
  assert.ok(rt.logs.includes('sdk debug: callback 2: ok'), rt.logs.join('\n'));
  assert.deepEqual(full.health(), { state: 'healthy', reason: undefined });
  // Steady traffic (a call, a request and its callback, casts, a publish and
  // log lines per message) leaves the memory of both sides as it was.
  for (let i = 0; i < 200; i++) rt.ask('sdk', json('{"warm":1}'));
  const sizes = () => [full, rt.components.get('peer')].map((c) => c.ex.memory.buffer.byteLength);
  const before = sizes();
  for (let i = 0; i < 5000; i++) rt.ask('sdk', json('{"steady":1}'));
  assert.deepEqual(sizes(), before, 'memory grew under steady traffic');
  // A raw message makes it cancel its request: no callback follows.
  const logsBefore = rt.logs.filter((l) => l.includes('callback')).length;
  rt.ask('sdk', prefixed(CODECS.raw, 'x'));
  assert.equal(rt.logs.filter((l) => l.includes('callback')).length, logsBefore);
  // An error from call becomes an error reply naming it.
  rt.components.delete('peer');
  assert.deepEqual(rt.ask('sdk', json('{}')), { err: REQ_ERR.targetError });
  assert.equal(full.handleMessage('host', json('{}')).err, 'peer: unknown-target');
  // A callback with an error case, then one the canonical ABI forbids.
  full.handleCallback(77n, { err: REQ_ERR.targetCrashed });
  assert.ok(rt.logs.includes('sdk debug: callback 77: target-crashed'));
  assert.throws(() => full.ex[LIFE + 'handle-callback'](78n, 2, 0, 0), WebAssembly.RuntimeError);
  full.start();
  full.ex[LIFE + 'shutdown']();
  assert.ok(rt.logs.includes('sdk info: bye'));
});

scenario('order-pipeline: the system file run end to end', () => {
  const dir = path.join(wasmDir, 'examples/order-pipeline');
  const system = fs.readFileSync(path.join(dir, 'system.toml'), 'utf8');
  const rt = new Runtime();
  for (const c of tomlBlocks(system, '[[component]]')) {
    const mdir = path.join(dir, path.dirname(c.manifest));
    const [m] = tomlBlocks(fs.readFileSync(path.join(dir, c.manifest), 'utf8'), '[component]');
    rt.add(c.id, path.join(mdir, m.module), m.accepts);
  }
  const sendResults = tomlBlocks(system, '[[message]]').map((m) =>
    rt.send('host', m.to, prefixed(CODECS[m.codec], m.text)));
  rt.drain();
  // Every message was accepted (a codec the target refuses is a system-file error).
  assert.deepEqual(sendResults.map((r) => r ?? 'ok'), Array(7).fill('ok'));
  const stats = JSON.parse(bodyText(rt.ask('audit-stats', json('{"op":"stats"}')).ok));
  assert.deepEqual(stats, { received: 4, billed: 2, rejected: 2, failed: 0, malformed: 1, billed_cents: 1700 });
  const stock = (item) => JSON.parse(bodyText(rt.ask('inventory', json(`{"op":"check","item":"${item}"}`)).ok)).stock;
  assert.equal(stock('widget'), 8);
  assert.equal(stock('gadget'), 5);
  assert.equal(stock('gizmo'), 0);
  // flaky trapped once on the poison, was restarted, and printed both labels.
  assert.equal(rt.components.get('flaky').restarts, 1);
  assert.deepEqual(rt.deadLetters.map((d) => [d.to, d.what]), [['flaky', '{"order":0,"poison":true}']]);
  assert.deepEqual(rt.stdout.filter((l) => l.startsWith('flaky:')), ['flaky: label 1: order 1', 'flaky: label 2: order 2']);
  const audits = rt.stdout.filter((l) => l.startsWith('audit-log:'));
  assert.equal(audits.length, 9, audits.join('\n'));
  assert.ok(audits.includes('audit-log: audit #6 from gateway: {"order":1,"stage":"billed","amount":500}'),
    audits.join('\n'));
  assert.ok(rt.logs.includes('billing info: order 2 billed 12.00 (revenue 17.00 over 2 orders)'), rt.logs.join('\n'));
  for (const id of ['gateway', 'billing', 'audit-stats'])
    assert.equal(rt.components.get(id).health().state, 'healthy', id);
  // Malformed input gets an error reply, not a trap.
  assert.deepEqual(rt.ask('gateway', json('{"order":9}')), { err: REQ_ERR.targetError });
  assert.equal(rt.components.get('gateway').handleMessage('x', json('[1,2')).err,
    'not an order (want json {order, item, qty}): [1,2');
  rt.components.get('inventory').ex[LIFE + 'shutdown']();
  assert.ok(rt.logs.includes('inventory info: final: widget stock 8, reserved 2'), rt.logs.join('\n'));
});

scenario('a stack overflow traps and the component restarts fresh', () => {
  const rt = new Runtime();
  const c = rt.add('deep', path.join(wasmDir, 'guest/sdk_stack.wasm'));
  const raw = (t) => prefixed(CODECS.raw, t);
  // 16 levels of 1 KiB fit the 32 KiB stack; the data below is intact.
  assert.equal(bodyText(rt.ask('deep', raw('16')).ok), '{"sum":136,"canary":12648430}');
  // 64 levels do not: the stack, placed first, runs out below address 0.
  assert.deepEqual(rt.ask('deep', raw('64')), { err: REQ_ERR.targetCrashed });
  assert.equal(c.restarts, 1);
  assert.match(rt.deadLetters[0].reason, /out of bounds/);
  assert.equal(bodyText(rt.ask('deep', raw('16')).ok), '{"sum":136,"canary":12648430}');
});

scenario('the mock itself traps bad guest pointers', () => {
  const rt = new Runtime();
  const echo = rt.add('echo', path.join(wasmDir, 'guest/sdk_minimal.wasm'));
  assert.throws(() => echo.read(echo.ex.memory.buffer.byteLength - 2, 4), Trap);
  assert.throws(() => echo.lift12('handle-message', 2, 1), Trap);
  assert.throws(() => { echo.u8.set([0xff, 0xfe], 0); echo.readString(0, 2); }, Trap);
});

console.log(failures ? `${failures} scenario(s) failed` : 'all scenarios passed');
process.exit(failures ? 1 : 0);
