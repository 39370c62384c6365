// The two age settings of issue 14: LACAK_STALE_AFTER (when /healthz says `stale`) and
// LACAK_BOOTSTRAP_MAX_AGE (when the bootstrap files are warned about). Written as operators
// write ages (`8d`, `36h`) or in milliseconds like every `*_MS` setting; a typo stops the
// server instead of quietly never warning.
import { describe, expect, it } from 'vitest';
import { formatDuration, loadConfig, parseDuration } from '../../src/config.js';
import { LACAK_ERR } from '../../src/errors.js';

const DAY = 86_400_000;

describe('age settings', () => {
  it('default to 8 days (stale data) and 90 days (bootstrap files)', () => {
    const config = loadConfig({});
    expect(config.staleAfterMs).toBe(8 * DAY);
    expect(config.bootstrapMaxAgeMs).toBe(90 * DAY);
  });

  it.each([
    ['8d', 8 * DAY],
    ['36h', 36 * 3_600_000],
    ['90m', 90 * 60_000],
    ['45s', 45_000],
    ['2w', 14 * DAY],
    ['1500ms', 1500],
    ['691200000', 8 * DAY],
    [' 12H ', 12 * 3_600_000],
  ])('accept %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(loadConfig({ LACAK_STALE_AFTER: text }).staleAfterMs).toBe(ms);
    expect(loadConfig({ LACAK_BOOTSTRAP_MAX_AGE: text }).bootstrapMaxAgeMs).toBe(ms);
  });

  it.each(['soon', '', '0', '0d', '-1d', '8 days', '1.5d', '8y', 'd', '99999999999999999999d'])('refuse %j with a one-line error naming the setting', (text) => {
    for (const name of ['LACAK_STALE_AFTER', 'LACAK_BOOTSTRAP_MAX_AGE']) {
      let error: unknown;
      try {
        loadConfig({ [name]: text });
      } catch (err) {
        error = err;
      }
      expect(error, `${name}=${text}`).toMatchObject({ code: LACAK_ERR.CONFIG });
      expect((error as Error).message).toMatch(new RegExp(`^bad setting ${name}: must be a duration such as 8d`));
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('are written back the way an operator writes them, in warnings and /healthz', () => {
    expect(formatDuration(8 * DAY)).toBe('8d');
    expect(formatDuration(90 * DAY)).toBe('90d');
    expect(formatDuration(14 * DAY)).toBe('2w');
    expect(formatDuration(36 * 3_600_000)).toBe('36h');
    expect(formatDuration(1500)).toBe('1500ms');
  });
});
