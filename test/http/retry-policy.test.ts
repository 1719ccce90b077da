import * as assert from 'node:assert/strict';

import { decideRetry, isRetryable, parseRetryAfter, type AttemptResult, type RetryOptions } from '../../src/http/retry-policy';

const OPTIONS: RetryOptions = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 8_000, maxTotalMs: 60_000 };
const NOW = Date.parse('2026-12-04T12:00:00Z');
const HALF = (): number => 0.5;

describe('decideRetry', () => {
  const statusCases: Array<{ status: number; retry: boolean }> = [
    { status: 200, retry: false },
    { status: 201, retry: false },
    { status: 400, retry: false },
    { status: 401, retry: false },
    { status: 403, retry: false },
    { status: 404, retry: false },
    { status: 409, retry: false },
    { status: 408, retry: true },
    { status: 429, retry: true },
    { status: 500, retry: true },
    { status: 501, retry: false },
    { status: 502, retry: true },
    { status: 503, retry: true },
    { status: 504, retry: true },
  ];
  for (const { status, retry } of statusCases) {
    it(`${retry ? 'retries' : 'stops at'} HTTP ${status}`, () => {
      const decision = decideRetry({ kind: 'response', status }, 1, 0, OPTIONS, NOW, HALF);
      assert.equal(decision.retry, retry);
      assert.match(decision.why, new RegExp(`HTTP ${status}`));
    });
  }

  const errorCases: Array<{ result: AttemptResult; retry: boolean }> = [
    { result: { kind: 'error', code: 'ECONNRESET' }, retry: true },
    { result: { kind: 'error', code: 'ECONNREFUSED' }, retry: true },
    { result: { kind: 'error', code: 'EPIPE' }, retry: true },
    { result: { kind: 'error', code: 'ETIMEDOUT' }, retry: true },
    { result: { kind: 'error', code: 'EAI_AGAIN' }, retry: true },
    { result: { kind: 'error', code: 'UND_ERR_SOCKET' }, retry: true },
    { result: { kind: 'error', code: 'UND_ERR_CONNECT_TIMEOUT' }, retry: true },
    { result: { kind: 'error', timedOut: true }, retry: true },
    { result: { kind: 'error' }, retry: true },
    { result: { kind: 'error', code: 'ENOTFOUND' }, retry: false },
    { result: { kind: 'error', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, retry: false },
    { result: { kind: 'error', code: 'ERR_INVALID_URL' }, retry: false },
  ];
  for (const { result, retry } of errorCases) {
    let label = 'an error without code';
    if (result.kind === 'error' && result.timedOut) {
      label = 'a timeout';
    } else if (result.kind === 'error' && result.code !== undefined) {
      label = result.code;
    }
    it(`${retry ? 'retries' : 'stops at'} ${label}`, () => {
      assert.equal(decideRetry(result, 1, 0, OPTIONS, NOW, HALF).retry, retry);
      assert.equal(isRetryable(result), retry);
    });
  }

  it('doubles the backoff ceiling per attempt', () => {
    const ceilings = [1, 2, 3].map((attempt) => decideRetry({ kind: 'response', status: 500 }, attempt, 0, OPTIONS, NOW, () => 0.999_999));
    assert.deepEqual(
      ceilings.map((decision) => (decision.retry ? decision.delayMs : -1)),
      [1_000, 2_000, 4_000],
    );
  });

  it('applies full jitter to the backoff', () => {
    const low = decideRetry({ kind: 'response', status: 500 }, 3, 0, OPTIONS, NOW, () => 0);
    const middle = decideRetry({ kind: 'response', status: 500 }, 3, 0, OPTIONS, NOW, HALF);
    assert.ok(low.retry);
    assert.ok(middle.retry);
    assert.equal(low.delayMs, 0);
    assert.equal(middle.delayMs, 2_000);
    assert.match(middle.why, /backoff/);
  });

  it('caps the backoff at maxDelayMs', () => {
    const options = { ...OPTIONS, maxAttempts: 10 };
    const decision = decideRetry({ kind: 'response', status: 503 }, 8, 0, options, NOW, () => 0.999_999);
    assert.ok(decision.retry);
    assert.equal(decision.delayMs, 8_000);
  });

  it('honours Retry-After in seconds', () => {
    const decision = decideRetry({ kind: 'response', status: 429, retryAfter: '7' }, 1, 0, OPTIONS, NOW, HALF);
    assert.ok(decision.retry);
    assert.equal(decision.delayMs, 7_000);
    assert.match(decision.why, /Retry-After/);
  });

  it('honours Retry-After as an HTTP date', () => {
    const retryAfter = new Date(NOW + 12_000).toUTCString();
    const decision = decideRetry({ kind: 'response', status: 503, retryAfter }, 1, 0, OPTIONS, NOW, HALF);
    assert.ok(decision.retry);
    assert.equal(decision.delayMs, 12_000);
  });

  it('honours Retry-After above maxDelayMs', () => {
    const decision = decideRetry({ kind: 'response', status: 429, retryAfter: '20' }, 1, 0, OPTIONS, NOW, HALF);
    assert.ok(decision.retry);
    assert.equal(decision.delayMs, 20_000);
  });

  it('falls back to backoff for unreadable Retry-After', () => {
    const decision = decideRetry({ kind: 'response', status: 429, retryAfter: 'soon' }, 1, 0, OPTIONS, NOW, HALF);
    assert.ok(decision.retry);
    assert.equal(decision.delayMs, 500);
    assert.match(decision.why, /backoff/);
  });

  it('stops after maxAttempts attempts', () => {
    const decision = decideRetry({ kind: 'response', status: 500 }, 4, 0, OPTIONS, NOW, HALF);
    assert.equal(decision.retry, false);
    assert.match(decision.why, /gave up after 4 attempts/);
  });

  it('stops when the delay passes the budget', () => {
    const decision = decideRetry({ kind: 'response', status: 429, retryAfter: '30' }, 1, 40_000, OPTIONS, NOW, HALF);
    assert.equal(decision.retry, false);
    assert.match(decision.why, /60000 ms retry budget/);
  });

  it('retries when the delay fits the budget exactly', () => {
    const decision = decideRetry({ kind: 'response', status: 429, retryAfter: '20' }, 1, 40_000, OPTIONS, NOW, HALF);
    assert.ok(decision.retry);
    assert.equal(decision.delayMs, 20_000);
  });

  const nonIdempotentCases: Array<{ label: string; result: AttemptResult; retry: boolean }> = [
    { label: 'HTTP 429', result: { kind: 'response', status: 429 }, retry: true },
    { label: 'HTTP 503', result: { kind: 'response', status: 503 }, retry: true },
    { label: 'ECONNREFUSED', result: { kind: 'error', code: 'ECONNREFUSED' }, retry: true },
    { label: 'UND_ERR_CONNECT_TIMEOUT', result: { kind: 'error', code: 'UND_ERR_CONNECT_TIMEOUT' }, retry: true },
    { label: 'HTTP 500', result: { kind: 'response', status: 500 }, retry: false },
    { label: 'HTTP 502', result: { kind: 'response', status: 502 }, retry: false },
    { label: 'HTTP 504', result: { kind: 'response', status: 504 }, retry: false },
    { label: 'ECONNRESET', result: { kind: 'error', code: 'ECONNRESET' }, retry: false },
    { label: 'a timeout', result: { kind: 'error', timedOut: true }, retry: false },
  ];
  for (const { label, result, retry } of nonIdempotentCases) {
    it(`${retry ? 'retries' : 'stops at'} ${label} when not idempotent`, () => {
      const decision = decideRetry(result, 1, 0, OPTIONS, NOW, HALF, false);
      assert.equal(decision.retry, retry);
      if (!retry) {
        assert.match(decision.why, /may have been applied/);
      }
    });
  }
});

describe('parseRetryAfter', () => {
  const cases: Array<{ value: string | null | undefined; expected: number | undefined }> = [
    { value: undefined, expected: undefined },
    { value: null, expected: undefined },
    { value: '', expected: undefined },
    { value: '0', expected: 0 },
    { value: ' 5 ', expected: 5_000 },
    { value: '1.5', expected: 1_500 },
    { value: '-3', expected: undefined },
    { value: 'later', expected: undefined },
    { value: new Date(NOW + 90_000).toUTCString(), expected: 90_000 },
    { value: new Date(NOW - 90_000).toUTCString(), expected: 0 },
  ];
  for (const { value, expected } of cases) {
    it(`returns ${String(expected)} for ${JSON.stringify(value)}`, () => {
      assert.equal(parseRetryAfter(value, NOW), expected);
    });
  }
});
