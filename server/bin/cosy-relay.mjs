#!/usr/bin/env node
// The `cosy-relay` command (package.json `bin`: npx cosy-relay, npm i -g cosy-relay). Runs the
// relay bundle with Node's flags exactly as `npm start` passes them (package.json's start
// script), which only a new process can take: the semi-space and V8 pool sizes are fixed
// when Node starts. `--help` and `--version` only print, in this process.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const MAIN_URL = new URL('../dist/main.mjs', import.meta.url);
const NODE_FLAGS = ['--max-semi-space-size=2', '--v8-pool-size=1', '--enable-source-maps'];
const PRINT_ONLY = new Set(['--help', '-h', '--version', '-v']);
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const args = process.argv.slice(2);
if (args.some((arg) => PRINT_ONLY.has(arg))) {
  await import(MAIN_URL.href);
} else {
  const relay = spawn(process.execPath, [...NODE_FLAGS, fileURLToPath(MAIN_URL), ...args], { stdio: 'inherit' });
  // The relay shuts down gracefully on these; a signal sent to this process alone reaches it too.
  for (const signal of FORWARDED_SIGNALS) process.on(signal, () => relay.kill(signal));
  relay.on('error', (err) => {
    process.stderr.write(`cosy-relay failed to start: ${err.message}\n`);
    process.exit(1);
  });
  relay.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
}
