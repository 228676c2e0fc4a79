// npm run package: builds the production bundle (vsce runs vscode:prepublish) and writes
// docker-network-explorer-<version>.vsix, then prints its size and the bundles' sizes.
// vsce rewrites the README's relative links (images included) to the repository named in
// package.json, so the README shows its screenshots on the Marketplace and in VS Code.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** The VSIX must stay small: the Marketplace download, and the install in every code-server test. */
const VSIX_LIMIT_BYTES = 1.5e6;

const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
const output = process.argv[2] ?? `${name}-${version}.vsix`;
// Dependencies are bundled by esbuild, so the VSIX needs no node_modules.
execFileSync('npx', ['--no-install', 'vsce', 'package', '--no-dependencies', '-o', output], { stdio: 'inherit' });

const size = (file) => statSync(file).size;
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
const webviewFiles = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
  entry.isDirectory() ? webviewFiles(path.join(dir, entry.name)) : entry.name.endsWith('.js') ? [path.join(dir, entry.name)] : []);
const webview = webviewFiles('dist/webview').reduce((sum, file) => sum + size(file), 0);
const vsix = size(output);
console.log(`VSIX ${output}: ${(vsix / 1e6).toFixed(2)} MB (${kib(vsix)}; limit ${VSIX_LIMIT_BYTES / 1e6} MB); ` +
  `dist/extension.js: ${kib(size('dist/extension.js'))}; dist/cli.js: ${kib(size('dist/cli.js'))}; ` +
  `dist/webview (every chunk, loaded or not): ${kib(webview)}`);
if (vsix > VSIX_LIMIT_BYTES) {
  console.error(`package: the VSIX is larger than ${VSIX_LIMIT_BYTES / 1e6} MB`);
  process.exitCode = 1;
}
