import { maintenancePeriods } from './count-maintenance.js';

describe('maintenancePeriods', () => {
  const schedule = { sweepEveryMs: 30_000, recountEveryMs: 300_000 };

  it('numbers the periods of each job from the epoch, the same on every replica', () => {
    expect(maintenancePeriods(0, schedule)).toEqual({ sweep: 0, recount: 0 });
    expect(maintenancePeriods(29_999, schedule)).toEqual({ sweep: 0, recount: 0 });
    expect(maintenancePeriods(30_000, schedule)).toEqual({ sweep: 1, recount: 0 });
    expect(maintenancePeriods(299_999, schedule)).toEqual({ sweep: 9, recount: 0 });
    expect(maintenancePeriods(300_000, schedule)).toEqual({ sweep: 10, recount: 1 });
  });

  it('puts a replica whose clock is a little off in a neighbouring period, never two away', () => {
    const now = 1_735_689_615_000; // 15 s into a sweep period
    const behind = maintenancePeriods(now - 20_000, schedule).sweep;
    const ahead = maintenancePeriods(now + 20_000, schedule).sweep;
    expect(maintenancePeriods(now, schedule).sweep - behind).toBe(1);
    expect(ahead - maintenancePeriods(now, schedule).sweep).toBe(1);
  });
});
