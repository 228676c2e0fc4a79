/**
 * What the Marketplace, the Extensions view and the views' menus show, read from package.json as
 * VS Code reads it: the trust capability, the icon, the links, the Node the project declares, and
 * the order and icons of the Networks view's title menu, and command titles that do not shadow each
 * other in the palette.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';

const root = path.join(__dirname, '..', '..', '..');

interface MenuItem { command: string; when?: string; group?: string }
interface Manifest {
  icon?: string;
  repository?: { type: string; url: string };
  bugs?: { url: string };
  homepage?: string;
  engines: { node: string; vscode: string };
  capabilities?: { untrustedWorkspaces?: { supported: boolean | 'limited'; description?: string; restrictedConfigurations?: string[] } };
  contributes: {
    commands: { command: string; title: string; icon?: string }[];
    configuration: { properties: Record<string, unknown> };
    menus: Record<string, MenuItem[]>;
  };
}

const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;

/** The commands the palette (F1) may list: all but those its menu hides for good (`when: false`). */
function paletteCommands(): string[] {
  const hidden = new Set(manifest.contributes.menus.commandPalette.filter((item) => item.when === 'false').map((item) => item.command));
  return manifest.contributes.commands.map((entry) => entry.command).filter((command) => !hidden.has(command));
}

/** A command's title in one language (package.nls.json or package.nls.<lang>.json), without its trailing "…". */
function paletteTitle(command: string, nls: Record<string, string>): string {
  const title = manifest.contributes.commands.find((entry) => entry.command === command)!.title;
  const text = nls[/^%(.+)%$/.exec(title)?.[1] ?? ''] ?? title;
  return text.replace(/…$/, '');
}

/**
 * Pairs "A shadows B": A's title (without "…") begins B's. The palette ranks equal matches
 * alphabetically, so typing A's exact title then Enter may run B ("Create Network" ran
 * "Create Network (All Options)…", as "(" sorts before "…").
 */
function shadowedTitles(commands: string[], nls: Record<string, string>, locale: string): string[] {
  const titles = commands.map((command) => ({ command, title: paletteTitle(command, nls) }));
  const pairs: string[] = [];
  for (const a of titles) {
    for (const b of titles) {
      if (a.command !== b.command && b.title.toLocaleLowerCase(locale).startsWith(a.title.toLocaleLowerCase(locale))) {
        pairs.push(`"${a.title}" (${a.command}) shadows "${b.title}" (${b.command})`);
      }
    }
  }
  return pairs;
}

function atLeast(a: number[], b: number[]): boolean {
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/** The lowest Node version a range accepts, for the simple shapes package.json files use here. */
function lowestAccepted(range: string): number[] | undefined {
  const alternatives = range.split('||').map((part) => part.trim());
  const lows = alternatives.map((part) => {
    const match = /^(?:>=|\^|~)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(part);
    return match ? [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)] : undefined;
  });
  if (lows.some((low) => low === undefined)) return undefined;
  return (lows as number[][]).sort((a, b) => (atLeast(a, b) ? 1 : -1))[0];
}

describe('manifest (package.json)', () => {
  test('is limited in untrusted workspaces, where a workspace cannot choose the engine', () => {
    const trust = manifest.capabilities?.untrustedWorkspaces;
    assert.ok(trust, 'capabilities.untrustedWorkspaces is missing (VS Code then disables the extension in Restricted Mode)');
    assert.strictEqual(trust.supported, 'limited');
    assert.deepStrictEqual(trust.restrictedConfigurations, ['dockerNetworks.dockerHost', 'dockerNetworks.engines']);
    assert.ok(trust.restrictedConfigurations.every((key) => key in manifest.contributes.configuration.properties), 'a restricted setting that does not exist');
    const nls = JSON.parse(readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const key = /^%(.+)%$/.exec(trust.description ?? '')?.[1];
    assert.ok(key && nls[key]?.includes('dockerNetworks.dockerHost'), `the Restricted Mode description must name the ignored setting: ${trust.description}`);
  });

  test('has a 128x128 PNG icon and the links the Marketplace shows', () => {
    assert.strictEqual(manifest.icon, 'media/icon.png');
    const png = readFileSync(path.join(root, manifest.icon));
    assert.strictEqual(png.subarray(1, 4).toString('latin1'), 'PNG', 'the icon is not a PNG');
    assert.deepStrictEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'icon size');
    const repository = manifest.repository?.url ?? '';
    assert.match(repository, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    const base = repository.replace(/\.git$/, '');
    assert.strictEqual(manifest.bugs?.url, `${base}/issues`);
    assert.strictEqual(manifest.homepage, `${base}#readme`);
  });

  test('declares a Node that every runtime dependency accepts (npm ci prints no EBADENGINE)', () => {
    const declared = lowestAccepted(manifest.engines.node);
    assert.ok(declared, `engines.node ${manifest.engines.node} is not a simple range`);
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; engines?: { node?: string } }> };
    const refused: string[] = [];
    for (const [where, entry] of Object.entries(lock.packages)) {
      const range = entry.engines?.node;
      if (!where || entry.dev || !range) continue;
      const low = lowestAccepted(range);
      // The lower bound is what matters here: our minimum must not be below any dependency's.
      if (low && !atLeast(declared, low)) refused.push(`${where.replace(/^node_modules\//, '')} wants ${range}`);
    }
    assert.deepStrictEqual(refused, [], `engines.node ${manifest.engines.node} is older than what these dependencies declare`);
    // The scripts that install and test run on such a Node (the cached Node 24 when the PATH's is older).
    const ensureNode = readFileSync(path.join(root, 'scripts', 'ensure-node.sh'), 'utf8');
    const [major, minor] = [/min_major=(\d+)/.exec(ensureNode)?.[1], /min_minor=(\d+)/.exec(ensureNode)?.[1]].map(Number);
    assert.deepStrictEqual([major, minor], declared.slice(0, 2), 'scripts/ensure-node.sh and engines.node disagree');
    for (const script of ['test-all.sh', 'demo.sh']) {
      assert.match(readFileSync(path.join(root, 'scripts', script), 'utf8'), /ensure-node\.sh/, `scripts/${script} does not use scripts/ensure-node.sh`);
    }
  });

  test('the Networks view title "…" menu ends with Prune, alone in its group', () => {
    const overflow = manifest.contributes.menus['view/title']
      .filter((item) => (item.when ?? '').includes('view == dockerNetworks.networks') && !(item.group ?? '').startsWith('navigation'))
      .sort((a, b) => (a.group ?? '').localeCompare(b.group ?? ''));
    const last = overflow[overflow.length - 1];
    assert.strictEqual(last?.command, 'dockerNetworks.pruneNetworks', `last item: ${last?.command}`);
    const groupOf = (item: MenuItem) => (item.group ?? '').split('@')[0];
    assert.deepStrictEqual(overflow.filter((item) => groupOf(item) === groupOf(last)).map((item) => item.command), ['dockerNetworks.pruneNetworks']);
  });

  for (const [file, locale] of [['package.nls.json', 'en'], ['package.nls.fr.json', 'fr']]) {
    test(`no command title in the palette begins another's (${file}): typing a title then Enter runs that command`, () => {
      const nls = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, string>;
      assert.deepStrictEqual(shadowedTitles(paletteCommands(), nls, locale), []);
      // Check Connectivity… would be shadowed by Check Connectivity To…, which is why the latter stays
      // out of the palette (it acts on the container it was opened on, from the trees' menus).
      assert.ok(!paletteCommands().includes('dockerNetworks.checkConnectivityTo'));
      assert.deepStrictEqual(shadowedTitles(['dockerNetworks.checkConnectivity', 'dockerNetworks.checkConnectivityTo'], nls, locale).length, 1);
    });
  }

  test('Switch Engine Context does not look like Connect', () => {
    const icon = (command: string) => manifest.contributes.commands.find((c) => c.command === command)?.icon;
    const switchIcon = icon('dockerNetworks.switchContext');
    assert.ok(switchIcon);
    for (const connect of ['dockerNetworks.connectContainer', 'dockerNetworks.connectToNetwork']) {
      assert.notStrictEqual(icon(connect), switchIcon, `${connect} and Switch Engine Context share ${switchIcon}`);
    }
  });
});
