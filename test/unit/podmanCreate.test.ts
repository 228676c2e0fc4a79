/**
 * The create request on Podman (pure): what Podman's compatible create would drop without a word
 * (auxiliary addresses, attachable, driver options it does not know; seen on the real Podman in
 * test/engine/podmanActions.test.ts) is refused before sending, each with its own sentence; the
 * macvlan/ipvlan mode goes under Podman's own key. On Docker nothing changes.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { emptySpec, toCreateRequest, validateCreateSpec } from '../../src/model/createNetworkSpec';
import { validationMessage } from '../../src/messages/validationMessages';
import { cliTranslator } from '../../src/messages/translator';

const podman = { swarmManager: false, apiVersion: '1.41', engineProduct: 'Podman' as const, engineDrivers: ['bridge', 'macvlan', 'ipvlan'] };
const docker = { ...podman, engineProduct: 'Docker' as const };
const english = cliTranslator('en');

test('on Podman, auxiliary addresses, attachable and an unknown driver option are each refused before sending, with their sentence', () => {
  const spec = {
    ...emptySpec('lab'),
    subnets: [{ subnet: '10.231.40.0/24', auxAddresses: { router: '10.231.40.5' } }],
    attachable: true,
    options: { 'com.docker.network.bridge.enable_icc': 'false', 'com.docker.network.driver.mtu': '1400', 'com.docker.network.bridge.name': 'lab0' },
  };
  const issues = validateCreateSpec(spec, undefined, podman);
  assert.deepEqual(issues.map((found) => found.code), ['podmanIgnoresAuxAddresses', 'podmanIgnoresAttachable', 'podmanIgnoresOption']);
  assert.equal(issues[2].params.key, 'com.docker.network.bridge.enable_icc');
  assert.match(validationMessage(issues[0], english), /^Podman ignores auxiliary addresses \(router=10\.231\.40\.5 in 10\.231\.40\.0\/24\)/);
  assert.deepEqual(validateCreateSpec(spec, undefined, docker), [], 'Docker applies them all');
});

test("on Podman the macvlan mode is sent under Podman's key `mode`; on Docker under macvlan_mode", () => {
  const spec = { ...emptySpec('mv', 'macvlan'), parent: 'eth0', mode: 'private' };
  assert.deepEqual(validateCreateSpec(spec, undefined, podman), []);
  assert.deepEqual({ ...toCreateRequest(spec, 'Podman').Options }, { parent: 'eth0', mode: 'private' });
  assert.deepEqual({ ...toCreateRequest(spec, 'Docker').Options }, { parent: 'eth0', macvlan_mode: 'private' });
  assert.deepEqual({ ...toCreateRequest({ ...emptySpec('iv', 'ipvlan'), mode: 'l3' }, 'Podman').Options }, { mode: 'l3' });
});
