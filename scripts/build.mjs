// Bundles the extension host code (node, cjs), the command-line exporter (node) and the webview
// scripts (browser) with esbuild. `--production` minifies; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { resolve as resolvePath, sep } from 'node:path';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * French runtime strings live in one file per area (l10n/fr/*.json) so that work on different
 * features does not collide; VS Code reads a single bundle, made here.
 */
function writeFrenchBundle() {
  const merged = {};
  for (const file of readdirSync('l10n/fr').filter((name) => name.endsWith('.json')).sort()) {
    const part = JSON.parse(readFileSync(`l10n/fr/${file}`, 'utf8'));
    for (const [key, value] of Object.entries(part)) {
      if (key in merged && merged[key] !== value) {
        throw new Error(`l10n/fr/${file}: "${key}" is translated differently in another file`);
      }
      merged[key] = value;
    }
  }
  writeFileSync('l10n/bundle.l10n.fr.json', JSON.stringify(merged, null, 2) + '\n');
}

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
};

/** ssh2 has an optional native part (sshcrypto.node) and a pure-JS fallback; keep the native one out. */
const skipNativeAddons = {
  name: 'skip-native-addons',
  setup(build) {
    build.onResolve({ filter: /\.node$/ }, (args) => ({ path: args.path, external: true }));
    build.onResolve({ filter: /^cpu-features$/ }, (args) => ({ path: args.path, external: true }));
  },
};

/**
 * docker-modem requires its own SSH transport, and with it ssh2, as it loads; an ssh:// engine goes
 * through our agent (src/engine/ssh/sshAgent.ts) instead, which loads ssh2 when first used. The
 * stub keeps ssh2 out of the extension's activation; see scripts/stubs/.
 */
const skipModemSsh = {
  name: 'skip-modem-ssh',
  setup(build) {
    build.onResolve({ filter: /^\.\/ssh$/ }, (args) =>
      args.importer.includes(`docker-modem${sep}lib`) ? { path: resolvePath('scripts/stubs/docker-modem-ssh.js') } : undefined,
    );
  },
};

/** Leaves dockerode's image-build session (gRPC) out of the bundle; see scripts/stubs/. */
const skipBuildKitSession = {
  name: 'skip-buildkit-session',
  setup(build) {
    build.onResolve({ filter: /^\.\/session$/ }, (args) =>
      args.importer.includes(`dockerode${sep}lib`) ? { path: resolvePath('scripts/stubs/dockerode-session.js') } : undefined,
    );
  },
};

/**
 * The topology webview draws one kind of diagram: a Mermaid flowchart laid out by dagre. Mermaid
 * loads each diagram type, layout and grammar with a dynamic import(); every one the flowchart does
 * not use (the other diagrams, the ELK, swimlanes and cose-bilkent layouts, which pull in elkjs and
 * cytoscape, and the langium grammars) resolves to a stub that throws, so it is neither shipped nor
 * parsed. What stays lazy (its own chunk, fetched only when asked for): the flowchart and dagre,
 * KaTeX (labels with $$…$$ only), and two small helpers.
 */
const mermaidFlowchartOnly = {
  name: 'mermaid-flowchart-only',
  setup(build) {
    const stub = resolvePath('scripts/stubs/mermaid-unbundled.js');
    const within = (importer, pkg) => importer.split(sep).join('/').includes(`/node_modules/${pkg}/dist/`);
    build.onResolve({ filter: /\.mjs$/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const file = args.path.split('/').pop();
      const otherDiagram = within(args.importer, 'mermaid') && /mermaid\.core\.mjs$/.test(args.importer) && !/^flowDiagram-/.test(file);
      const otherLayout = within(args.importer, 'mermaid') && /^(elk|swimlanes|cose-bilkent)-/.test(file);
      const grammar = within(args.importer, '@mermaid-js/parser');
      return otherDiagram || otherLayout || grammar ? { path: stub } : undefined;
    });
  },
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    // The bundle's first line notes when its loading began: activate() logs how long it took.
    banner: { js: '"use strict";\nconst __dneBundleStartedAt = performance.now();' },
    plugins: [skipNativeAddons, skipBuildKitSession, skipModemSsh],
  },
  {
    // The SVG export's sanitizer, required on the first export (src/topologyPanel/fileExport.ts).
    ...common,
    entryPoints: ['src/topologyPanel/safeSvg.ts'],
    outfile: 'dist/safeSvg.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [skipNativeAddons, skipBuildKitSession, skipModemSsh],
  },
  {
    // An ES module split in chunks (dist/webview/chunks/): the page loads the app, then Mermaid's core,
    // the flowchart and dagre as the first diagram needs them (index.html: <script type="module">).
    ...common,
    entryPoints: { topology: 'webview/topology/main.ts' },
    outdir: 'dist/webview',
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    plugins: [mermaidFlowchartOnly],
    // Codicons drawn in the toolbar (the Traffic toggle): their SVG text, bundled (no font, no request).
    loader: { '.svg': 'text' },
  },
  {
    ...common,
    entryPoints: ['webview/createNetwork/main.ts'],
    outfile: 'dist/webview/createNetwork.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
].filter((options) => existsSync(Object.values(options.entryPoints)[0]));

writeFrenchBundle();
// Start from an empty dist/: a stale source map from a development build must not reach the VSIX.
rmSync('dist', { recursive: true, force: true });

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
