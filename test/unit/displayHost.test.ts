import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { runCli } from '../../src/cli';
import { displayHost } from '../../src/model/displayHost';

describe('secrets in host URLs are masked wherever a host is shown', () => {
  test('the password of the user part becomes ***, the user stays', () => {
    assert.equal(displayHost('tcp://admin:s3cr3t@engine.example:2376'), 'tcp://admin:***@engine.example:2376');
    assert.equal(displayHost('https://u:p%40ss@h:2376/base'), 'https://u:***@h:2376/base');
    assert.equal(displayHost('ssh://deploy:hunter2@build.example'), 'ssh://deploy:***@build.example');
    // An "@" inside the password: the user part ends at the last "@" of the authority.
    assert.equal(displayHost('tcp://u:a@b@h:2375'), 'tcp://u:***@h:2375');
  });

  test('secret-looking query parameters are masked, others kept', () => {
    assert.equal(displayHost('https://h:2376/?token=abc&x=1'), 'https://h:2376/?token=***&x=1');
    assert.equal(displayHost('tcp://h:2375?access_token=abc'), 'tcp://h:2375?access_token=***');
    assert.equal(displayHost('tcp://h:2375?api-key=abc&password=p'), 'tcp://h:2375?api-key=***&password=***');
  });

  test('hosts without secrets are unchanged', () => {
    for (const host of ['unix:///var/run/docker.sock', 'ssh://deploy@build.example:2222', 'tcp://127.0.0.1:2376', 'npipe:////./pipe/docker_engine']) {
      assert.equal(displayHost(host), host);
    }
  });

  test('a text that contains a host (an error detail, a log line) is masked too', () => {
    const text = 'engine tcp://u:pw@h:2376 unreachable (refused): connect ECONNREFUSED; badHost: ftp://a:b@x';
    const shown = displayHost(text);
    assert.ok(!shown.includes('pw') && !shown.includes(':b@'), shown);
    assert.equal(shown, 'engine tcp://u:***@h:2376 unreachable (refused): connect ECONNREFUSED; badHost: ftp://a:***@x');
  });

  test('the command line masks the password of a host it cannot use', async () => {
    let err = '';
    const code = await runCli(['diagram', '--host', 'tcp://admin:s3cr3t@'], { out: () => undefined, err: (text) => (err += text) });
    assert.equal(code, 1);
    assert.ok(err.includes('tcp://admin:***@'), err);
    assert.ok(!err.includes('s3cr3t'), err);
  });
});
