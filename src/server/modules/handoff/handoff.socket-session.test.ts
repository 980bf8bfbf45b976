import { describe, expect, it } from 'vitest';
import type { Auth, StaffAuth } from '../../http-types.ts';
import { guardSocketSession } from './handoff.socket-session.ts';

const laura: StaffAuth = { kind: 'staff', sessionId: 's1', tenantId: 'alacant', staffId: 'st1', name: 'Laura', roles: ['agent'] };

describe('the staff socket guard and the idle expiry', () => {
  it('extends the session only for what the agent does, never for its own timer or forwarded events', async () => {
    const touches: (boolean | undefined)[] = [];
    const sessions = {
      resolveSession: async (_token: string, opts?: { touch?: boolean }): Promise<Auth | undefined> => {
        touches.push(opts?.touch);
        return laura;
      },
    };
    let clock = 0;
    const guard = guardSocketSession({ sessions, token: 'tok', opened: laura, onEnded: () => undefined, recheckMs: 3_600_000, now: () => clock });
    clock += 10_000;
    expect(await guard.isLive(2_000)).toBe(true); // an event to forward
    expect(await guard.isLive(0)).toBe(true); // the timer's strict check
    expect(await guard.isLive(0, true)).toBe(true); // the agent sends a message
    guard.stop();
    expect(touches).toEqual([false, false, true]);
  });
});
