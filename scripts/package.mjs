// npm run package: builds the production bundle (vsce runs vscode:prepublish) and writes
// docker-network-explorer-<version>.vsix, then prints its size and the bundle's size.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';

const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
const output = process.argv[2] ?? `${name}-${version}.vsix`;
// Dependencies are bundled by esbuild, so the VSIX needs no node_modules.
execFileSync('npx', ['--no-install', 'vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', output], { stdio: 'inherit' });
const kib = (file) => `${(statSync(file).size / 1024).toFixed(0)} KiB`;
console.log(`VSIX ${output}: ${kib(output)}; dist/extension.js: ${kib('dist/extension.js')}`);
