import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Certificates made for one test run; nothing is trusted outside the processes given `caFile`. */
export interface TestCertificates {
  /** PEM of the CA that signed the server certificate; pass it as NODE_EXTRA_CA_CERTS. */
  caFile: string;
  caPem: string;
  serverKeyPem: string;
  serverCertPem: string;
  /** Private key and certificate of the service principal, as one PEM, the form an AzureRM connection stores. */
  clientPem: string;
  clientCertPem: string;
}

/**
 * Makes a CA, a server certificate for 127.0.0.1 and localhost signed by it, and a
 * self-signed service principal certificate, with the openssl command-line tool.
 */
export async function makeTestCertificates(directory: string): Promise<TestCertificates> {
  await fs.mkdir(directory, { recursive: true });
  const file = (name: string): string => path.join(directory, name);
  const openssl = async (...args: string[]): Promise<void> => {
    await run('openssl', args, { cwd: directory });
  };

  await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=Promote Models test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1');
  await fs.writeFile(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  const serial = `0x${crypto.randomBytes(8).toString('hex')}`;
  await openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-set_serial', serial, '-out', file('server.pem'), '-days', '2', '-extfile', file('server.ext'));
  await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('client.key'), '-out', file('client.pem'), '-days', '2', '-subj', '/CN=promote-models-test-principal');

  const [caPem, serverKeyPem, serverCertPem, clientKeyPem, clientCertPem] = await Promise.all(
    ['ca.pem', 'server.key', 'server.pem', 'client.key', 'client.pem'].map((name) => fs.readFile(file(name), 'utf8')),
  );
  return { caFile: file('ca.pem'), caPem, serverKeyPem, serverCertPem, clientPem: `${clientKeyPem}${clientCertPem}`, clientCertPem };
}
