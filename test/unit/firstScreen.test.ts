/**
 * Issue 22, item 8: the README's first screen as a new user reads it. Its picture is the demo's
 * topology, made by scripts/screenshotDemo.ts from `npm run demo` (not a test's, whose hostile
 * aliases it showed), and it says how to choose the demo's port, with the variable demo.sh reads.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';

const root = path.join(__dirname, '..', '..', '..');
const read = (...parts: string[]) => readFileSync(path.join(root, ...parts), 'utf8');
const readme = read('README.md');
/** Up to the first rule: the install, the demo, the tests and the first picture. */
const firstScreen = readme.slice(0, readme.indexOf('\n---\n'));

describe('the README\'s first screen', () => {
  test('its picture is the demo topology, made from the demo by scripts/screenshotDemo.ts, and no test writes it', () => {
    const picture = /!\[([^\]]*)\]\(([^)]+)\)/.exec(firstScreen);
    assert.ok(picture, 'the first screen has a picture');
    const [, alt, file] = picture;
    assert.equal(file, 'media/screenshot-topology.png');
    for (const name of ['devops', 'prod', 'AppDev', 'AppProd', 'api']) assert.ok(alt.includes(name), `its text names the demo's ${name}: ${alt}`);
    const script = read('scripts', 'screenshotDemo.ts');
    assert.match(script, /'media', 'screenshot-topology\.png'/);
    assert.match(script, /scripts', 'demo\.sh'/);
    for (const folder of ['e2e', 'extension']) {
      for (const name of readdirSync(path.join(root, 'test', folder)).filter((file) => file.endsWith('.ts'))) {
        assert.doesNotMatch(read('test', folder, name), /'media'|screenshot-topology/, `test/${folder}/${name} writes the README's picture`);
      }
    }
  });

  test('it says how to choose the demo\'s port, with the variable scripts/demo.sh reads', () => {
    const shown = /\b([A-Z_]+)=(\d+) npm run demo\b/.exec(firstScreen);
    assert.ok(shown, `the first screen shows the demo on another port:\n${firstScreen}`);
    assert.match(read('scripts', 'demo.sh'), new RegExp(`^port=\\$\\{${shown[1]}:-\\d+\\}$`, 'm'));
  });
});
