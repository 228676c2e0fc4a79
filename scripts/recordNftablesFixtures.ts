/**
 * Records what the kernel's nftables says (`nft -j list ruleset`) around dropped packets, for the
 * unit tier's reading of native nftables tables: three private network namespaces (a source, a
 * router, a target; nothing on this machine's own namespaces is touched), the router holding a
 * table in the layout Docker 29's nftables backend writes (`ip docker-bridges`: a raw-PREROUTING
 * "DROP DIRECT ACCESS" rule, per-interface `filter-forward-in__<if>` chains reached through a
 * verdict map, an "UNPUBLISHED PORT DROP"; as moby's integration/network/bridge/nftablesdoc
 * describes it, with our own addresses) and one iptables-nft rule beside it (the table
 * iptables-nft-save reads). Docker 29 itself is not in Debian's archive; the kernel and nft
 * that count the packets are real.
 *
 *   npm run compile-tests && node out/scripts/recordNftablesFixtures.js   (root)
 *
 * Writes test/fixtures/nftables-1.0/docker-bridges.json: the ruleset before, after a ping the raw
 * rule drops, and after a ping the forward chain drops (the raw rule deleted). Never edit it by hand.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const PREFIX = `dne-nftrec-${process.pid}`;
const [SOURCE, ROUTER, TARGET] = ['a', 'r', 'b'].map((side) => `${PREFIX}-${side}`);

function run(argv: string[], input?: string): string {
  return execFileSync(argv[0], argv.slice(1), { encoding: 'utf8', input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
}
const inNs = (ns: string, argv: string[], input?: string) => run(['ip', 'netns', 'exec', ns, ...argv], input);
/** Busybox ping (Debian 12 has no ping binary by default): its exit code only. */
function ping(address: string): boolean {
  try {
    inNs(SOURCE, ['/bin/busybox', 'ping', '-c', '2', '-W', '1', address]);
    return true;
  } catch {
    return false;
  }
}

const RULESET = `
table ip docker-bridges {
  map filter-forward-in-jumps {
    type ifname : verdict
    elements = { "ra" : jump filter-forward-in__ra, "rb" : jump filter-forward-in__rb }
  }
  chain filter-FORWARD {
    type filter hook forward priority filter; policy accept;
    oifname vmap @filter-forward-in-jumps
  }
  chain raw-PREROUTING {
    type filter hook prerouting priority raw; policy accept;
    ip daddr 10.251.2.2 iifname != "rb" counter drop comment "DROP DIRECT ACCESS"
  }
  chain filter-forward-in__ra {
    ct state established,related counter accept
    iifname "ra" counter accept comment "ICC"
    counter drop comment "UNPUBLISHED PORT DROP"
  }
  chain filter-forward-in__rb {
    ct state established,related counter accept
    iifname "rb" counter accept comment "ICC"
    counter drop comment "UNPUBLISHED PORT DROP"
  }
}
`;

function build(): void {
  for (const ns of [SOURCE, ROUTER, TARGET]) run(['ip', 'netns', 'add', ns]);
  run(['ip', 'link', 'add', 'ra', 'netns', ROUTER, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', SOURCE]);
  run(['ip', 'link', 'add', 'rb', 'netns', ROUTER, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', TARGET]);
  const sides: [string, string, string, string][] = [[SOURCE, 'ra', '10.251.1.2/24', '10.251.1.1'], [TARGET, 'rb', '10.251.2.2/24', '10.251.2.1']];
  for (const [ns, routerEnd, address, gateway] of sides) {
    inNs(ns, ['ip', 'link', 'set', 'lo', 'up']);
    inNs(ns, ['ip', 'addr', 'add', address, 'dev', 'eth0']);
    inNs(ns, ['ip', 'link', 'set', 'eth0', 'up']);
    inNs(ns, ['ip', 'route', 'add', 'default', 'via', gateway]);
    inNs(ROUTER, ['ip', 'addr', 'add', `${gateway}/24`, 'dev', routerEnd]);
    inNs(ROUTER, ['ip', 'link', 'set', routerEnd, 'up']);
  }
  inNs(ROUTER, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  inNs(ROUTER, ['nft', '-f', '-'], RULESET);
  // An iptables-nft rule beside it: its table is iptables-nft's, read by iptables-nft-save.
  inNs(ROUTER, ['iptables-nft', '-A', 'FORWARD', '-o', 'rb', '-j', 'ACCEPT']);
}

function teardown(): void {
  for (const ns of [SOURCE, ROUTER, TARGET]) {
    try {
      run(['ip', 'netns', 'del', ns]);
    } catch {
      // not made
    }
  }
}

function main(): void {
  if (process.getuid?.() !== 0) throw new Error('recordNftablesFixtures: run as root (network namespaces, nft)');
  const snapshot = () => JSON.parse(inNs(ROUTER, ['nft', '-j', 'list', 'ruleset'])) as unknown;
  try {
    build();
    const before = snapshot();
    if (ping('10.251.2.2')) throw new Error('the raw rule should have dropped the ping');
    const afterRawDrop = snapshot();
    const handle = /DROP DIRECT ACCESS" # handle (\d+)/.exec(inNs(ROUTER, ['nft', '-a', 'list', 'chain', 'ip', 'docker-bridges', 'raw-PREROUTING']))?.[1];
    if (!handle) throw new Error('no handle for the raw rule');
    inNs(ROUTER, ['nft', 'delete', 'rule', 'ip', 'docker-bridges', 'raw-PREROUTING', 'handle', handle]);
    const rawDeleted = snapshot();
    if (ping('10.251.2.2')) throw new Error('the forward chain should have dropped the ping');
    const afterForwardDrop = snapshot();
    const file = path.join(__dirname, '..', '..', 'test', 'fixtures', 'nftables-1.0', 'docker-bridges.json');
    mkdirSync(path.dirname(file), { recursive: true });
    const nftVersion = run(['nft', '--version']).trim();
    writeFileSync(file, JSON.stringify({ recordedWith: nftVersion, interfaces: { source: 'ra', target: 'rb' }, before, afterRawDrop, rawDeleted, afterForwardDrop }, null, 2) + '\n');
    console.log(`recordNftablesFixtures: wrote ${path.relative(process.cwd(), file)} (${nftVersion})`);
  } finally {
    teardown();
  }
}

main();
