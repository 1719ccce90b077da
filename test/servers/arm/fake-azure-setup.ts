import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

import { FakeAzure, type FakeAzureOptions } from './fake-azure';
import { OpenApiValidator, findSpecRoot } from './openapi-validator';
import { makeTestCertificates, type TestCertificates } from './test-certificates';
import { createTrustedFetch } from './trusted-fetch';

const SPEC_FOLDER = 'specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2024-04-01';

/** Root of this repository; the saved specification is looked up beside it. */
export const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..', '..');

let validator: OpenApiValidator | undefined;

/** Loads the saved specification once per mocha process, because compiling its schemas takes about a second. */
export function specValidator(): OpenApiValidator {
  validator ??= new OpenApiValidator(findSpecRoot(REPOSITORY_ROOT), [`${SPEC_FOLDER}/mfe.json`, `${SPEC_FOLDER}/machineLearningServices.json`]);
  return validator;
}

/** Certificates of one test file, in a temporary folder. */
export interface TestTls {
  certificates: TestCertificates;
  directory: string;
  /** A `fetch` that trusts the test CA, for calls made from the mocha process. */
  fetch: typeof fetch;
  remove(): Promise<void>;
}

/** Makes a CA and certificates for one test file; openssl takes about a second, so share them across the file's tests. */
export async function createTestTls(): Promise<TestTls> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'fake-azure-'));
  const certificates = await makeTestCertificates(path.join(directory, 'tls'));
  return {
    certificates,
    directory,
    fetch: createTrustedFetch(certificates.caPem),
    async remove() {
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}

/** Starts the fake Azure on 127.0.0.1 with the given certificates. */
export async function startFakeAzure(tls: TestTls, options: Omit<FakeAzureOptions, 'certificates' | 'validator'>): Promise<FakeAzure> {
  const fake = new FakeAzure({ ...options, certificates: tls.certificates, validator: specValidator() });
  await fake.start();
  return fake;
}
