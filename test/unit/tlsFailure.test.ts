/**
 * The TLS check that refused a connection. The error shapes (code, message, reason) are the ones
 * Node 24 raised against the real socat TLS endpoint of test/support/tlsEndpoint.ts; the engine
 * tier (test/engine/tlsEngine.test.ts) triggers each of them again for real.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { ConnectionResolutionError, EngineTarget } from '../../src/model/connectionResolution';
import { classifyUnreachable } from '../../src/model/engineErrors';
import { classifyTlsFailure } from '../../src/model/tlsFailure';

const nodeError = (code: string, message: string, extra: object = {}) => Object.assign(new Error(message), { code, ...extra });
const tlsTarget: EngineTarget = {
  source: 'environment',
  contextName: 'default',
  host: 'tcp://127.0.0.1:2376',
  protocol: 'tcp',
  hostname: '127.0.0.1',
  port: 2376,
  tls: { verify: true, origin: 'environment', ca: '/c/ca.pem', cert: '/c/cert.pem', key: '/c/key.pem' },
};
const plainTarget: EngineTarget = { ...tlsTarget, host: 'tcp://127.0.0.1:2375', port: 2375, tls: undefined };

const seen = {
  unknownCa: nodeError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate; if the root CA is installed locally, try running Node.js with --use-system-ca'),
  hostName: nodeError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ", { reason: "IP: 127.0.0.1 is not in the cert's list: " }),
  noClientCert: nodeError(
    'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    '400D83CB767F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:918:SSL alert number 116\n',
    { reason: 'tlsv13 alert certificate required', library: 'SSL routines' },
  ),
  unknownClientCert: nodeError(
    'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
    '400D83CB767F0000:error:0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:918:SSL alert number 48\n',
    { reason: 'tlsv1 alert unknown ca', library: 'SSL routines' },
  ),
  httpToTls: nodeError('ECONNRESET', 'read ECONNRESET'),
  tlsToPlain: nodeError('EPROTO', 'write EPROTO 400D83CB767F0000:error:0A00010B:SSL routines:tls_validate_record_header:wrong version number:../deps/openssl/openssl/ssl/record/methods/tlsany_meth.c:77:\n'),
};

describe('which TLS check refused the connection', () => {
  test('unknown CA, including the other chain codes OpenSSL uses for an untrusted issuer', () => {
    assert.deepEqual(classifyTlsFailure(seen.unknownCa, tlsTarget), { check: 'unknownCa' });
    for (const code of ['SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'DEPTH_ZERO_SELF_SIGNED_CERT']) {
      assert.equal(classifyTlsFailure(nodeError(code, 'x'))?.check, 'unknownCa', code);
    }
  });

  test('wrong host name', () => {
    assert.deepEqual(classifyTlsFailure(seen.hostName, tlsTarget), { check: 'hostName' });
  });

  test('no client certificate, or one the server does not trust: names the certificate file that was offered', () => {
    assert.deepEqual(classifyTlsFailure(seen.noClientCert, tlsTarget), { check: 'clientCert', file: '/c/cert.pem' });
    assert.equal(classifyTlsFailure(seen.unknownClientCert, tlsTarget)?.check, 'clientCert');
    assert.equal(classifyTlsFailure(nodeError('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'sslv3 alert handshake failure'))?.check, 'clientCert');
    assert.equal(classifyTlsFailure(nodeError('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'sslv3 alert bad certificate'))?.check, 'clientCert');
  });

  test('plain HTTP to a TLS port: a reset on a plain tcp target, or the Go server\'s 400', () => {
    assert.deepEqual(classifyTlsFailure(seen.httpToTls, plainTarget), { check: 'plainToTls' });
    assert.equal(classifyTlsFailure(seen.httpToTls, tlsTarget), undefined, 'a reset over TLS is not this');
    const goAnswer = Object.assign(new Error('(HTTP code 400) unexpected - Client sent an HTTP request to an HTTPS server.'), { statusCode: 400 });
    assert.equal(classifyTlsFailure(goAnswer, plainTarget)?.check, 'plainToTls');
  });

  test('TLS to a plain port (wrong version number)', () => {
    assert.deepEqual(classifyTlsFailure(seen.tlsToPlain, tlsTarget), { check: 'tlsToPlain' });
  });

  test('a missing certificate file names the file, and counts as a TLS cause', () => {
    const error = new ConnectionResolutionError('tlsFile', '/c/ca.pem', 'tcp://h:2376');
    assert.deepEqual(classifyTlsFailure(error), { check: 'certFile', file: '/c/ca.pem' });
    assert.equal(classifyUnreachable(error), 'tls');
  });

  test('a certificate file that exists but cannot be read names the file and the error, and counts as a TLS cause', () => {
    const error = new ConnectionResolutionError('tlsFile', '/c/ca.pem', 'tcp://h:2376', 'EACCES');
    assert.deepEqual(classifyTlsFailure(error), { check: 'certFileUnreadable', file: '/c/ca.pem', readError: 'EACCES' });
    assert.equal(classifyUnreachable(error), 'tls');
  });

  test('other errors are not TLS failures', () => {
    assert.equal(classifyTlsFailure(nodeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:2376'), tlsTarget), undefined);
    assert.equal(classifyTlsFailure(nodeError('ENOENT', 'connect ENOENT /var/run/docker.sock')), undefined);
    assert.equal(classifyTlsFailure(undefined), undefined);
  });
});
