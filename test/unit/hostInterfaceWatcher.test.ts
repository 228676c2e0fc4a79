/**
 * The host-interface watcher (issue #9) without touching the host: `ip` is replaced by a script
 * that prints lines recorded from `ip -o monitor link address` on iproute2 6.1 (a veth pair added
 * and deleted, a bridge getting its address), then waits. The lines of a burst become one change
 * event naming the interfaces; dispose() ends the child; no child when the engine is not local.
 */
import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { HostInterfaceChange, HostInterfaceWatcher, interfaceNameOfMonitorLine } from '../../src/probe/hostInterfaceWatcher';
import { processAlive } from '../support/processes';
import { sleep, waitFor } from '../support/waitFor';

const RECORDED = [
  '2284: dnepB@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default \\    link/ether aa:f7:f3:45:40:18 brd ff:ff:ff:ff:ff:ff',
  '2285: dnepA@dnepB: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group default \\    link/ether 3e:2f:dd:91:fc:ee brd ff:ff:ff:ff:ff:ff',
  'Deleted 2285: dnepA@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default \\    link/ether 3e:2f:dd:91:fc:ee brd ff:ff:ff:ff:ff:ff',
  '2276: br-eae66e5a256b    inet 172.26.0.1/16 brd 172.26.255.255 scope global br-eae66e5a256b\\       valid_lft forever preferred_lft forever',
];

describe('host interface watcher', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dne-watch-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('reads the interface name of each kind of monitor line', () => {
    assert.deepEqual(RECORDED.map(interfaceNameOfMonitorLine), ['dnepB', 'dnepA', 'dnepA', 'br-eae66e5a256b']);
    assert.equal(interfaceNameOfMonitorLine(''), undefined);
  });

  test("a bridge port's own notifications are not changes (the one 15 s after a veth joined its bridge included)", () => {
    // Recorded on this host after `docker run --network <bridge network>`: the veth's link messages
    // (with a qdisc) name it; the bridge's messages about its port (no qdisc) repeat them, the last
    // one about 15 s later with nothing new.
    const joined = '25777: veth1da2a1c@veth786c22f: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop master br-fbab33be8e45 state DOWN group default \\    link/ether 12:41:ce:49:dd:db brd ff:ff:ff:ff:ff:ff';
    const portNotices = [
      '25777: veth1da2a1c@veth786c22f: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br-fbab33be8e45 state DOWN \\    link/ether 12:41:ce:49:dd:db',
      '25777: veth1da2a1c@if25776: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master br-fbab33be8e45 state UP \\    link/ether 12:41:ce:49:dd:db',
    ];
    assert.equal(interfaceNameOfMonitorLine(joined), 'veth1da2a1c');
    assert.deepEqual(portNotices.map(interfaceNameOfMonitorLine), [undefined, undefined]);
  });

  test('one burst of lines is one change naming its interfaces; dispose ends the child', async () => {
    const fakeIp = path.join(dir, 'ip');
    const lines = RECORDED.map((line) => `printf '%s\\n' '${line}'`).join('\n');
    writeFileSync(fakeIp, `#!/bin/sh\n[ "$*" = "-o monitor link address" ] || exit 2\n${lines}\nexec sleep 1000\n`);
    chmodSync(fakeIp, 0o755);
    const watcher = new HostInterfaceWatcher({ local: true, ip: fakeIp, platform: 'linux', debounceMs: 100 });
    const startedAt = Date.now();
    const changes: HostInterfaceChange[] = [];
    watcher.onDidChange((change) => changes.push(change));
    const pid = watcher.pid;
    assert.ok(pid, 'a child runs');
    try {
      await waitFor('a change event', () => changes.length > 0, { timeoutMs: 5000 });
      await sleep(300);
      assert.deepEqual(
        changes.map((change) => change.names),
        [['br-eae66e5a256b', 'dnepA', 'dnepB']],
      );
      // When the last line was read: a probe begun after it has seen these changes.
      assert.ok(changes[0].lastSeenAt >= startedAt && changes[0].lastSeenAt <= Date.now(), `lastSeenAt ${changes[0].lastSeenAt}`);
    } finally {
      watcher.dispose();
    }
    await waitFor('the monitor process to end', () => !processAlive(pid!), { timeoutMs: 5000 });
    assert.equal(watcher.running, false);
  });

  test('no child when the engine is not local, or not on Linux', () => {
    assert.equal(new HostInterfaceWatcher({ local: false }).running, false);
    assert.equal(new HostInterfaceWatcher({ local: true, platform: 'darwin' }).running, false);
  });

  test('an ip command that cannot run is an error to read, not a crash', async () => {
    const watcher = new HostInterfaceWatcher({ local: true, ip: path.join(dir, 'missing-ip'), platform: 'linux' });
    await waitFor('the spawn error', () => watcher.lastError !== undefined, { timeoutMs: 5000 });
    assert.equal(watcher.running, false);
    watcher.dispose();
  });
});
