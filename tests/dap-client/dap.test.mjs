// End-to-end test of `tvix dap` with Microsoft's DebugClient, the client
// VS Code's own debug adapters are tested with. Run with `node --test`
// after building the binary (TVIX_BIN, or $CARGO_TARGET_DIR/debug/tvix,
// or target/debug/tvix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DebugClient } from '@vscode/debugadapter-testsupport';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const tvix = process.env.TVIX_BIN
  ?? path.resolve(root, process.env.CARGO_TARGET_DIR ?? 'target', 'debug', 'tvix');

// The result's attributes are forced in C++ Nix's order, the order their
// names were first seen: `ok` (and through it the breakpoints below) first.
const PROGRAM = `let
  double = x: x * 2;
  lazy = throw "never forced";
  items = map double [ 1 2 3 ];
  total = builtins.foldl' (a: b: a + b) 0 items;
  check = n: if n > 10 then throw "too big: \${toString n}" else n;
  attempt = builtins.tryEval (check (total * 2));
in
  { ok = attempt.success; sum = total; }
`;

function variable(vars, name) {
  const v = vars.find((x) => x.name === name);
  assert.ok(v, `no variable ${name} in ${JSON.stringify(vars)}`);
  return v;
}

async function scope(dc, frameId, name) {
  const { body } = await dc.scopesRequest({ frameId });
  const s = body.scopes.find((x) => x.name === name);
  assert.ok(s, `no scope ${name} in ${JSON.stringify(body.scopes)}`);
  const vars = await dc.variablesRequest({ variablesReference: s.variablesReference });
  return vars.body.variables;
}

// Sends a request and waits for the stop it leads to (listening first:
// the event may follow the response at once).
async function stopped(dc, reason, request) {
  const waiting = dc.waitForEvent('stopped');
  await request();
  const event = await waiting;
  assert.equal(event.body.reason, reason);
  const { body } = await dc.stackTraceRequest({ threadId: 1 });
  return body.stackFrames;
}

test('launch, breakpoints, stepping, lazy scopes, watches, a throw and the result', async () => {
  assert.ok(fs.existsSync(tvix), `build the binary first (${tvix} is missing)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tvix-dap-e2e-'));
  const file = path.join(fs.realpathSync(dir), 'main.nix');
  fs.writeFileSync(file, PROGRAM);

  const dc = new DebugClient(tvix, 'dap', 'tvix');
  dc.defaultTimeout = 20000;
  await dc.start();
  try {
    const initialized = dc.waitForEvent('initialized');
    const init = await dc.initializeRequest({
      adapterID: 'tvix', linesStartAt1: true, columnsStartAt1: true,
      pathFormat: 'path', supportsInvalidatedEvent: true,
    });
    assert.equal(init.body.supportsConditionalBreakpoints, true);
    await initialized;

    // A line breakpoint (resolved to the `if`, verified with its column)
    // and a conditional one inside `double`.
    const bps = await dc.setBreakpointsRequest({
      source: { path: file },
      breakpoints: [{ line: 6 }, { line: 2, column: 15, condition: 'x == 2' }],
    });
    assert.deepEqual(bps.body.breakpoints.map((b) => [b.verified, b.line, b.column]),
      [[true, 6, 14], [true, 2, 15]]);
    await dc.setExceptionBreakpointsRequest({ filters: ['throw'] });
    const output = [];
    dc.on('output', (e) => output.push(e.body));
    await dc.configurationDoneRequest();

    // 1. The line breakpoint in `check`, called by `attempt`.
    let frames = await stopped(dc, 'breakpoint', () => dc.launchRequest({ program: file }));
    assert.equal(frames[0].name, 'check');
    assert.deepEqual([frames[0].line, frames[0].column], [6, 14]);
    assert.ok(frames.some((f) => f.name === 'attempt'));
    // Scopes force nothing: the argument and `lazy` are thunks.
    const args = await scope(dc, frames[0].id, 'Arguments');
    assert.equal(variable(args, 'n').value, '«thunk»');
    assert.equal(variable(args, 'n').presentationHint.lazy, true);
    assert.equal(variable(await scope(dc, frames[0].id, 'Let'), 'lazy').value, '«thunk»');
    // A watch that forces only the list's spine.
    const watch = await dc.evaluateRequest({ expression: 'builtins.length items', frameId: frames[0].id, context: 'watch' });
    assert.equal(watch.body.result, '3');

    // 2. Step in: the condition `n > 10`.
    frames = await stopped(dc, 'step', () => dc.stepInRequest({ threadId: 1 }));
    assert.deepEqual([frames[0].name, frames[0].line, frames[0].column], ['check', 6, 17]);

    // 3. Step over it: forcing `n` computes `total`, and the conditional
    //    breakpoint in `double` interrupts the step when x is 2.
    frames = await stopped(dc, 'breakpoint', () => dc.nextRequest({ threadId: 1 }));
    assert.deepEqual([frames[0].name, frames[0].line, frames[0].column], ['double', 2, 15]);
    assert.equal(variable(await scope(dc, frames[0].id, 'Arguments'), 'x').value, '2');
    // `lazy` is still a thunk; expanding it forces it (here: its throw).
    const lazy = variable(await scope(dc, frames[0].id, 'Let'), 'lazy');
    assert.equal(lazy.value, '«thunk»');
    const invalidated = dc.waitForEvent('invalidated');
    const forced = await dc.variablesRequest({ variablesReference: lazy.variablesReference });
    assert.equal(forced.body.variables[0].value, '«error: never forced»');
    await invalidated;

    // 4. Step out of `double`, then step over.
    frames = await stopped(dc, 'step', () => dc.stepOutRequest({ threadId: 1 }));
    assert.notEqual(frames[0].name, 'double');
    await stopped(dc, 'step', () => dc.nextRequest({ threadId: 1 }));

    // 5. The throw (caught later by tryEval) stops with the right stack.
    frames = await stopped(dc, 'exception', () => dc.continueRequest({ threadId: 1 }));
    // Innermost the `throw` builtin at its call site, then `check`.
    assert.deepEqual(frames.slice(0, 2).map((f) => [f.name, f.line]),
      [['builtins.throw', 6], ['check', 6]]);
    assert.ok(frames.some((f) => f.name === 'attempt'));
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.description, 'too big: 24');

    // 6. To the end: the result in the output.
    const terminated = dc.waitForEvent('terminated');
    await dc.continueRequest({ threadId: 1 });
    await terminated;
    const stdout = output.filter((o) => o.category === 'stdout').map((o) => o.output).join('');
    assert.equal(stdout, '{ ok = false; sum = 12; }\n');
  } finally {
    await dc.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
