import { CountHistory, usersForecast } from './users-forecast.js';

const T0 = Date.parse('2026-12-01T09:00:00Z');
const forecast = { lookaheadSeconds: 120, windowSeconds: 300 };

describe('usersForecast', () => {
  it('is linear: the count plus the net rate over the window times the lookahead', () => {
    const history = new CountHistory();
    history.add(T0, 10_000, 300_000);
    history.add(T0 + 300_000, 11_000, 300_000); // +1,000 in 300 s
    expect(usersForecast(history.all, T0 + 300_000, 11_000, forecast)).toEqual({
      expectedUsers: 11_400,
      usersPerMinute: 200,
      lookaheadSeconds: 120,
      windowSeconds: 300,
    });
  });

  it('measures over the last window only: the count in force at its start', () => {
    const history = new CountHistory();
    history.add(T0, 0, 300_000);
    history.add(T0 + 100_000, 9_000, 300_000); // an old jump, before the window
    history.add(T0 + 500_000, 9_500, 300_000);
    const at = T0 + 500_000;
    // The window starts at T0 + 200 s, when 9,000 were in force: +500 in 300 s.
    expect(usersForecast(history.all, at, 9_500, forecast)?.expectedUsers).toBe(9_700);
  });

  it('never forecasts fewer users than there are now', () => {
    const history = new CountHistory();
    history.add(T0, 2_000, 300_000);
    history.add(T0 + 60_000, 1_000, 300_000);
    const falling = usersForecast(history.all, T0 + 60_000, 1_000, forecast);
    expect(falling).toMatchObject({ expectedUsers: 1_000, usersPerMinute: -1_000 });
  });

  it('has no rate yet with one count or less than a second of history', () => {
    const history = new CountHistory();
    expect(usersForecast(history.all, T0, 5, forecast)).toBeNull();
    history.add(T0, 5, 300_000);
    expect(usersForecast(history.all, T0 + 999, 50, forecast)).toBeNull();
    expect(usersForecast(history.all, T0 + 1_000, 50, forecast)?.expectedUsers).toBe(5_450);
  });
});

describe('CountHistory', () => {
  it('keeps one sample per second and one window, plus the sample in force at its start', () => {
    const history = new CountHistory();
    for (let ms = 0; ms <= 600_000; ms += 10) history.add(T0 + ms, ms, 300_000);
    expect(history.size).toBeLessThanOrEqual(302);
    expect(history.all[0].at).toBeLessThanOrEqual(T0 + 300_000);
    expect(history.all[history.all.length - 1].count).toBe(600_000);
  });
});
