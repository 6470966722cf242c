// The package as it is published: `npm pack` it, check what the tarball holds, install it into a fresh
// consumer project (offline: the client has no runtime dependencies), import both entry points from
// there, and compile typecheck/usage.ts against the installed declarations with the pinned `tsc`, strict.
// A file with a deliberate type error must fail the same compilation, so the check is able to fail.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** The exports of each entry point, as the runtime has them and as the declarations must declare them. */
const EXPORTS = {
  '@push-gateway/client': ['PushGatewayClient', 'PushGatewayError', 'backoffDelay', 'chooseTransport',
    'comparePositions', 'isFinalCloseCode', 'parsePosition'],
  '@push-gateway/client/admin': ['PushGatewayAdmin', 'PushGatewayApiError'],
};

/**
 * Run a command; resolves with its exit code and output whether or not it succeeded.
 * @param {string} file
 * @param {string[]} args
 * @param {string} cwd
 * @returns {Promise<{code: number | string | null, stdout: string, stderr: string}>}
 */
function run(file, args, cwd) {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout: 60000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => resolve({ code: error ? (error.code ?? error.signal ?? 1) : 0, stdout, stderr }));
  });
}

/**
 * The names of the files in a .tgz, read from the tar headers (ustar: name, and the prefix for long paths).
 * @param {Buffer} tgz
 * @returns {string[]}
 */
function tarEntries(tgz) {
  const tar = gunzipSync(tgz);
  const names = [];
  const field = (/** @type {number} */ start, /** @type {number} */ length) =>
    tar.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
  for (let offset = 0; offset + 512 <= tar.length;) {
    const name = field(offset, 100);
    if (!name) break;
    const prefix = field(offset + 345, 155);
    const size = parseInt(field(offset + 124, 12).trim() || '0', 8);
    const type = field(offset + 156, 1);
    if (type === '0' || type === '') names.push(prefix ? `${prefix}/${name}` : name);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

test('the packed tarball installs offline, imports, and type-checks the usage file against its declarations', { timeout: 180000 }, async (t) => {
  const npm = await run('npm', ['--version'], root);
  if (npm.code === 'ENOENT') {
    t.skip('npm not found on the PATH: the package test did not run');
    return;
  }
  assert.equal(npm.code, 0, npm.stderr);
  assert.ok(existsSync(tsc), `typescript is not installed: run npm install in ${root}`);

  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
  // the offline install below and the "no runtime dependencies" promise both rest on this
  assert.equal(manifest.dependencies, undefined, 'the client has no runtime dependencies');
  assert.equal(manifest.peerDependencies, undefined, 'the client has no peer dependencies');

  const work = await mkdtemp(path.join(tmpdir(), 'push-gateway-client-pack-'));
  t.after(() => rm(work, { recursive: true, force: true }));

  // npm pack
  const packed = await run('npm', ['pack', '--pack-destination', work, '--json', '--loglevel=error'], root);
  assert.equal(packed.code, 0, packed.stderr);
  const [report] = JSON.parse(packed.stdout);
  const tarball = path.join(work, report.filename);
  const files = tarEntries(await readFile(tarball)).map((name) => name.replace(/^package\//, '')).sort();
  for (const expected of ['package.json', 'src/client.js', 'src/admin.js', 'src/msgpack.js', 'src/polling.js',
    'src/sse.js', 'src/client.d.ts', 'src/admin.d.ts']) {
    assert.ok(files.includes(expected), `${expected} is in the tarball: ${files.join(', ')}`);
  }
  const stray = files.filter((name) => !(name === 'package.json' || /^src\/[^/]+\.(js|d\.ts)$/.test(name)
    || /^(README|LICENSE)/i.test(name)));
  assert.deepEqual(stray, [], 'nothing but the package manifest, the sources and their declarations');
  assert.deepEqual(report.files.map((/** @type {{path: string}} */ file) => file.path).sort(), files,
    'npm pack reports what the tarball holds');
  for (const conditions of Object.values(manifest.exports)) {
    for (const target of Object.values(conditions)) assert.ok(files.includes(target.replace(/^\.\//, '')), target);
  }

  // a consumer project depending on the tarball
  const consumer = path.join(work, 'consumer');
  await mkdir(consumer);
  await writeFile(path.join(consumer, 'package.json'), JSON.stringify({
    name: 'push-gateway-client-consumer', private: true, type: 'module',
    dependencies: { '@push-gateway/client': `file:${tarball}` },
  }, null, 2));
  const installed = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock',
    '--loglevel=error'], consumer);
  assert.equal(installed.code, 0, installed.stderr);
  const installedDir = path.join(consumer, 'node_modules', '@push-gateway', 'client');
  assert.ok(existsSync(path.join(installedDir, 'src', 'client.d.ts')), 'the declarations are installed');

  // (a) both entry points import in Node, from the installed package
  await writeFile(path.join(consumer, 'imports.mjs'), `
const result = {};
for (const specifier of ${JSON.stringify(Object.keys(EXPORTS))}) {
  const module = await import(specifier);
  result[specifier] = {
    resolved: import.meta.resolve(specifier),
    exports: Object.fromEntries(Object.entries(module).map(([name, value]) => [name, typeof value])),
  };
}
console.log(JSON.stringify(result));
`);
  const imported = await run(process.execPath, ['imports.mjs'], consumer);
  assert.equal(imported.code, 0, imported.stderr);
  const modules = JSON.parse(imported.stdout);
  for (const [specifier, names] of Object.entries(EXPORTS)) {
    const { resolved, exports } = modules[specifier];
    assert.ok(fileURLToPath(resolved).startsWith(installedDir + path.sep), `${specifier} resolves into the installed package: ${resolved}`);
    assert.deepEqual(Object.keys(exports).sort(), [...names].sort(), `the exports of ${specifier}`);
    for (const name of names) assert.equal(exports[name], 'function', `${specifier} exports ${name} as a class or function`);
  }

  // (b) tsc, strict, NodeNext: the usage file compiles against the installed declarations, which declare
  // exactly the runtime's exports; a deliberate type error does not compile
  await copyFile(path.join(root, 'typecheck', 'usage.ts'), path.join(consumer, 'usage.ts'));
  const union = (/** @type {string[]} */ names) => names.map((name) => `'${name}'`).join(' | ');
  await writeFile(path.join(consumer, 'exports.ts'), `
import * as client from '@push-gateway/client';
import * as admin from '@push-gateway/client/admin';
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const clientExports: Same<keyof typeof client, ${union(EXPORTS['@push-gateway/client'])}> = true;
export const adminExports: Same<keyof typeof admin, ${union(EXPORTS['@push-gateway/client/admin'])}> = true;
`);
  await writeFile(path.join(consumer, 'wrong.ts'), `
import { PushGatewayClient } from '@push-gateway/client';
new PushGatewayClient('wss://push.example.com/ws', { token: 42 });
`);
  const base = path.join(root, 'typecheck', 'tsconfig.json');
  await writeFile(path.join(consumer, 'tsconfig.json'), JSON.stringify({ extends: base, files: ['usage.ts', 'exports.ts'] }));
  await writeFile(path.join(consumer, 'tsconfig.wrong.json'), JSON.stringify({ extends: base, files: ['wrong.ts'] }));
  const [good, wrong] = await Promise.all([
    run(process.execPath, [tsc, '-p', 'tsconfig.json', '--listFiles', '--pretty', 'false'], consumer),
    run(process.execPath, [tsc, '-p', 'tsconfig.wrong.json', '--pretty', 'false'], consumer),
  ]);
  assert.equal(good.code, 0, `tsc on usage.ts:\n${good.stdout}${good.stderr}`);
  for (const declarations of ['client.d.ts', 'admin.d.ts']) {
    const file = path.join(installedDir, 'src', declarations);
    assert.ok(good.stdout.split('\n').some((line) => path.resolve(line.trim()) === file),
      `tsc read ${file}:\n${good.stdout}`);
  }
  assert.notEqual(wrong.code, 0, 'a type error fails the compilation');
  assert.match(wrong.stdout, /wrong\.ts\(3,\d+\): error TS2322: Type 'number' is not assignable to type 'string \| \(\(\) => string \| Promise<string>\)'/,
    `tsc reports the deliberate error, and only for the wrong option's type:\n${wrong.stdout}${wrong.stderr}`);
});
