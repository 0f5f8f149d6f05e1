import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { AppendInput } from '../../src/ledger';

/** An offline school-based credit for `teacher`, with a fresh idempotency key unless given. */
export function offlineCredit(teacher: Types.ObjectId, overrides: Partial<AppendInput> = {}): AppendInput {
  return {
    teacher: { id: teacher, displayName: '王老师', schoolCode: 'S001' },
    source: { kind: 'offline', activityId: 'lecture-2026-03' },
    category: 'school-based',
    trainingMode: 'thematic-lecture',
    hours: 3,
    trainingYear: 2026,
    occurredAt: new Date('2026-03-10T02:00:00Z'),
    creditRule: 'registrar-offline',
    recordedBy: { kind: 'user', id: 'registrar-1', name: '李主任' },
    idempotencyKey: `offline:${randomUUID()}`,
    ...overrides,
  };
}

export const registrar = { kind: 'user' as const, id: 'registrar-1', name: '李主任' };
