import { AttemptWindow, limitKey } from '../../../../src/services/patrons/sign-in-limits';

describe('sign-in attempt windows', () => {
  let clock = new Date('2026-05-04T09:00:00.000Z');
  const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
  const window = () => new AttemptWindow({ max: 3, windowMs: 60_000 }, () => clock);

  it('lets a key try until it has used its attempts, then says how long to wait', () => {
    const w = window();
    for (let i = 0; i < 3; i++) {
      expect(w.refusedFor('card')).toBeUndefined();
      w.count('card');
    }
    expect(w.refusedFor('card')).toBe(60);
    advance(45_000);
    expect(w.refusedFor('card')).toBe(15);
    expect(w.refusedFor('another card')).toBeUndefined();
  });

  it('forgets a key when its window has passed, and starts a new one at the next attempt', () => {
    const w = window();
    for (let i = 0; i < 3; i++) w.count('card');
    advance(60_000);
    expect(w.refusedFor('card')).toBeUndefined();
    w.count('card');
    w.count('card');
    expect(w.refusedFor('card')).toBeUndefined();
  });

  it('keys do not keep card numbers readable, and tell libraries apart', () => {
    expect(limitKey('library-1', '21000001')).not.toContain('21000001');
    expect(limitKey('library-1', '21000001')).not.toBe(limitKey('library-2', '21000001'));
    expect(limitKey('library-1', '21000001')).toBe(limitKey('library-1', '21000001'));
  });
});
