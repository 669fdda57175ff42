import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-unavailable.js';

describe(isDatabaseUnavailable.name, () => {
  const driverError = (fields: Record<string, unknown>) =>
    Object.assign(new Error('driver'), fields);

  it('recognises a database that is down, restarting or refusing connections', () => {
    expect(isDatabaseUnavailable(driverError({ code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable(driverError({ code: 'PROTOCOL_CONNECTION_LOST' }))).toBe(true);
    expect(isDatabaseUnavailable(driverError({ errno: 1053 }))).toBe(true);
    expect(
      isDatabaseUnavailable(
        new QueryFailedError('SELECT 1', [], driverError({ code: 'ECONNRESET' })),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(new Error('x', { cause: driverError({ code: 'ETIMEDOUT' }) })),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('no'), { name: 'CannotExecuteNotConnectedError' }),
      ),
    ).toBe(true);
  });

  it('leaves every other error alone (a wrong query is not an outage)', () => {
    expect(
      isDatabaseUnavailable(
        new QueryFailedError('SELEC', [], driverError({ code: 'ER_PARSE_ERROR', errno: 1064 })),
      ),
    ).toBe(false);
    expect(isDatabaseUnavailable(driverError({ code: 'ER_DUP_ENTRY', errno: 1062 }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
