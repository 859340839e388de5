#!/usr/bin/env node
// Builds the native backend (native/build/Release/deepts_native.node) with node-gyp. Run by
// `npm install` (the package's install script) and by hand: `node native/build.mjs`.
//
// It never fails the install: without a compiler, make, Python or Node's headers it prints one
// line saying the js backend will be used and why, records the reason in native/build/status.json
// (which `deepts info` reports), and exits 0. The full compiler output goes to native/build.log.
//
// Offline: node-gyp is pointed at Node's own headers (--nodedir: npm's `nodedir` setting, or the
// prefix of this node binary when it ships include/node), so it never downloads anything.
// DEEPTS_SKIP_NATIVE=1 skips the build; DEEPTS_NATIVE_JOBS sets make's parallelism (default 2).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const buildDir = join(here, 'build');
const logPath = join(here, 'build.log');
// one build at a time in this folder (two node-gyp runs in one build/ break each other); the
// name ends in .log so git ignores it
const lockPath = join(here, 'build-lock.log');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Waits (up to 15 minutes) for another build of this folder to finish, then holds the lock. */
function acquireLock() {
  const deadline = Date.now() + 15 * 60 * 1000;
  let said = false;
  for (;;) {
    try {
      closeSync(openSync(lockPath, 'wx'));
      writeFileSync(lockPath, String(process.pid));
      process.on('exit', () => rmSync(lockPath, { force: true }));
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') return; // a read-only folder: build without a lock
    }
    let holder = 0;
    try {
      holder = Number(readFileSync(lockPath, 'utf8').trim() || '0');
    } catch {
      continue; // released meanwhile
    }
    if (holder && !alive(holder)) {
      rmSync(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) fallback(`another build (pid ${holder}) of native/ did not finish in 15 minutes`);
    if (!said) {
      console.log(`deepts: waiting for another build of the native addon (pid ${holder})`);
      said = true;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  }
}

function record(ok, reason) {
  try {
    mkdirSync(buildDir, { recursive: true });
    writeFileSync(join(buildDir, 'status.json'), JSON.stringify({ ok, reason, node: process.version, date: new Date().toISOString() }) + '\n');
  } catch {
    // a read-only install directory: the runtime message is then the generic one
  }
}

function fallback(reason) {
  record(false, reason);
  console.log(`deepts: native backend not built (${reason}); the js backend will be used`);
  process.exit(0);
}

/** node-gyp's entry script: npm's bundled copy during `npm install`, else the one next to npm. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  const prefix = dirname(dirname(process.execPath));
  candidates.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed as a package: fine
  }
  return candidates.find((c) => c && existsSync(c)) ?? null;
}

/** A directory with include/node/node_api.h for this Node, so node-gyp needs no download. */
function findNodeDir() {
  const configured = process.env.npm_config_nodedir;
  if (configured && existsSync(join(configured, 'include', 'node', 'node_api.h'))) return configured;
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  return null;
}

/** Whether `cmd` (a name or path) resolves on PATH. */
function onPath(cmd) {
  if (!cmd) return false;
  if (cmd.includes('/')) return existsSync(cmd);
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)));
}

/** What node-gyp will miss, named before running it (POSIX: make, a C++ compiler, Python). */
function missingTool() {
  if (process.platform === 'win32') return null;
  const cxx = (process.env.CXX ?? '').split(' ')[0];
  if (cxx ? !onPath(cxx) : !['c++', 'g++', 'clang++'].some(onPath))
    return cxx ? `the C++ compiler CXX=${cxx} was not found` : 'no C++ compiler (c++, g++ or clang++) on PATH';
  if (!['make', 'gmake'].some(onPath)) return 'make was not found on PATH';
  if (!process.env.PYTHON && !process.env.npm_config_python && !['python3', 'python'].some(onPath)) return 'Python (needed by node-gyp) was not found on PATH';
  return null;
}

function firstErrorLine(text) {
  if (/gyp ERR! find Python/.test(text)) return 'node-gyp could not find a working Python';
  const failedObject = /obj\.target\/deepts_native\/(\S+)\.o\] Error/.exec(text);
  if (failedObject) {
    const diagnostic = text.split('\n').find((l) => /\berror\b/.test(l) && !l.startsWith('make') && !l.startsWith('gyp'));
    return `compiling native/${failedObject[1]}.cc failed${diagnostic ? `: ${diagnostic.trim().slice(0, 160)}` : ''}`;
  }
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const hit = lines.find(
    (l) =>
      /(\berror\b|not found|No such file|command not found|ENOENT)/i.test(l) &&
      !/^gyp (info|ERR! (stack|System|command|cwd|node -v|node-gyp -v|not ok))/.test(l),
  );
  return (hit ?? lines.filter((l) => !l.startsWith('gyp info')).slice(-1)[0] ?? 'node-gyp failed').replace(/^gyp ERR! /, '').slice(0, 200);
}

if (process.env.DEEPTS_SKIP_NATIVE === '1') fallback('DEEPTS_SKIP_NATIVE=1');

const missing = missingTool();
if (missing) fallback(missing);
const nodeGyp = findNodeGyp();
if (!nodeGyp) fallback('node-gyp was not found');
const nodeDir = findNodeDir();
const jobs = process.env.DEEPTS_NATIVE_JOBS || '2';
const args = [nodeGyp, 'rebuild', `--jobs=${jobs}`];
if (nodeDir) args.push(`--nodedir=${nodeDir}`);

acquireLock();
rmSync(join(buildDir, 'status.json'), { force: true });
const started = Date.now();
const result = spawnSync(process.execPath, args, { cwd: here, encoding: 'utf8', env: process.env, maxBuffer: 64 * 1024 * 1024 });
const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
try {
  writeFileSync(logPath, `$ node ${args.join(' ')}\n${output}`);
} catch {
  // ignore: the log is a convenience
}
if (result.error) fallback(`node-gyp could not run: ${result.error.message}`);
if (result.status !== 0) fallback(`${firstErrorLine(output)} — see native/build.log`);

const addonPath = join(buildDir, 'Release', 'deepts_native.node');
if (!existsSync(addonPath)) fallback('node-gyp finished but produced no addon — see native/build.log');
// a build that does not load (wrong headers, missing symbols) is a failed build too
try {
  createRequire(import.meta.url)(addonPath);
} catch (e) {
  rmSync(addonPath, { force: true });
  fallback(`the built addon does not load: ${String(e?.message ?? e).split('\n')[0]}`);
}
record(true, null);
console.log(`deepts: native backend built in ${((Date.now() - started) / 1000).toFixed(0)} s (native/build/Release/deepts_native.node)`);
