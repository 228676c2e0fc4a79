import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { runCli } from '../../src/cli';
import { unreachableSentence } from '../../src/messages/unreachableMessages';
import { displayHost, logLine, shortHost } from '../../src/model/displayHost';

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

  test('one masker for labels and logs: shortHost drops unix://, logLine is one masked line', () => {
    assert.equal(shortHost('unix:///var/run/docker.sock'), '/var/run/docker.sock');
    assert.equal(shortHost('tcp://u:p@ss@host:2376/?token=abc'), 'tcp://u:***@host:2376/?token=***');
    assert.equal(logLine('tcp://u:p@ss@h:2375?access_token=xyz\nforged'), 'tcp://u:***@h:2375?access_token=***↵forged');
  });

  test('the command line prints an engine error on one masked line, without terminal escapes', () => {
    const sentence = unreachableSentence(new Error('connect tcp://u:p@ss@h:2376?token=abc\n\u001b[31mforged line\r'), 'en');
    assert.ok(!/[\n\r\u001b]/.test(sentence), JSON.stringify(sentence));
    assert.ok(sentence.includes('tcp://u:***@h:2376?token=***'), sentence);
    assert.ok(!sentence.includes('p@ss') && !sentence.includes('abc'), sentence);
  });

  test('the command line masks the password of a host it cannot use', async () => {
    let err = '';
    const code = await runCli(['diagram', '--host', 'tcp://admin:s3cr3t@'], { out: () => undefined, err: (text) => (err += text) });
    assert.equal(code, 1);
    assert.ok(err.includes('tcp://admin:***@'), err);
    assert.ok(!err.includes('s3cr3t'), err);
  });
});
